import { describe, expect, it } from "vitest";
import { applyConfig, trackUpdate, type WriteScope } from "../../../core/api/apply/field-manager.js";
import { decodeManagedFields, encodeManagedFields, managerName, type ManagerEntry } from "../../../core/api/apply/managed-fields.js";
import { ApplySchema } from "../../../core/api/apply/schema.js";
import { StatusError } from "../../../core/api/status.js";

const DEPLOY = ApplySchema.builtin("io.k8s.api.apps.v1.Deployment");
const scope = (manager: string, extra: Partial<WriteScope & { force: boolean }> = {}): WriteScope & { force: boolean } => ({
  schema: DEPLOY,
  apiVersion: "apps/v1",
  manager,
  hasStatus: true,
  now: "2026-01-01T00:00:00Z",
  force: false,
  ...extra,
});
const deploy = (spec: Record<string, unknown>, labels?: Record<string, string>) => ({
  apiVersion: "apps/v1",
  kind: "Deployment",
  metadata: { name: "web", ...(labels ? { labels } : {}) },
  spec,
});
const containers = (...cs: Record<string, unknown>[]) => ({ template: { spec: { containers: cs } } });
const fieldsOf = (entries: ManagerEntry[], manager: string) => entries.find((e) => e.manager === manager)?.set.toFieldsV1();

describe("server-side apply", () => {
  it("creates the object and owns what it applied", () => {
    const { object, entries } = applyConfig(undefined, deploy({ replicas: 1 }, { app: "web" }), [], scope("kubectl"));
    expect(object).toEqual(deploy({ replicas: 1 }, { app: "web" }));
    expect(encodeManagedFields(entries)).toEqual([
      { manager: "kubectl", operation: "Apply", apiVersion: "apps/v1", time: "2026-01-01T00:00:00Z", fieldsType: "FieldsV1", fieldsV1: { "f:metadata": { "f:labels": { "f:app": {} } }, "f:spec": { "f:replicas": {} } } },
    ]);
  });

  it("merges associative lists by key, keeping live-only items, and replaces atomic lists", () => {
    const live = deploy(containers({ name: "a", image: "a:1", args: ["x", "y"] }, { name: "side", image: "s:1" }));
    const first = applyConfig(undefined, live, [], scope("ctl"));
    const { object } = applyConfig(first.object, deploy(containers({ name: "a", image: "a:2", args: ["z"] }, { name: "side", image: "s:1" }, { name: "b", image: "b:1" })), first.entries, scope("ctl"));
    expect((object as any).spec.template.spec.containers).toEqual([
      { name: "a", image: "a:2", args: ["z"] },
      { name: "side", image: "s:1" },
      { name: "b", image: "b:1" },
    ]);
  });

  it("removes what the manager applied before and no longer applies", () => {
    const first = applyConfig(undefined, deploy({ replicas: 2, minReadySeconds: 5 }, { app: "web", tier: "x" }), [], scope("ctl"));
    const second = applyConfig(first.object, deploy({ replicas: 2 }, { app: "web" }), first.entries, scope("ctl"));
    expect(second.object).toEqual(deploy({ replicas: 2 }, { app: "web" }));
    expect(fieldsOf(second.entries, "ctl")).toEqual({ "f:metadata": { "f:labels": { "f:app": {} } }, "f:spec": { "f:replicas": {} } });
  });

  it("keeps a dropped field another manager also owns", () => {
    const a = applyConfig(undefined, deploy({ replicas: 2, minReadySeconds: 5 }), [], scope("a"));
    const b = applyConfig(a.object, deploy({ minReadySeconds: 5 }), a.entries, scope("b"));
    const again = applyConfig(b.object, deploy({ replicas: 2 }), b.entries, scope("a"));
    expect((again.object as any).spec).toEqual({ replicas: 2, minReadySeconds: 5 });
    expect(fieldsOf(again.entries, "b")).toEqual({ "f:spec": { "f:minReadySeconds": {} } });
  });

  it("keeps a map another manager owns an entry of, and drops a list item whole", () => {
    const a = applyConfig(undefined, { ...deploy(containers({ name: "x", image: "x:1" })), metadata: { name: "web", annotations: { k: "v", own: "a" } } }, [], scope("a"));
    const b = applyConfig(a.object, { ...deploy({}), metadata: { name: "web", annotations: { k: "v" } } }, a.entries, scope("b"));
    const edited = trackUpdate(b.object, { ...(b.object as any), spec: containers({ name: "x", image: "x:2" }) }, b.entries, scope("editor"));
    const live = { ...(b.object as any), spec: containers({ name: "x", image: "x:2" }) };
    const again = applyConfig(live, { ...deploy({ replicas: 1 }), metadata: { name: "web" } }, edited, scope("a"));
    expect((again.object as any).metadata.annotations).toEqual({ k: "v" });
    // The editor owned only the image: the item goes, and the emptied list with it.
    expect((again.object as any).spec).toEqual({ replicas: 1 });
  });

  it("shares a field applied with the same value by two managers", () => {
    const a = applyConfig(undefined, deploy({ replicas: 3 }), [], scope("a"));
    const b = applyConfig(a.object, deploy({ replicas: 3 }), a.entries, scope("b"));
    expect(fieldsOf(b.entries, "a")).toEqual({ "f:spec": { "f:replicas": {} } });
    expect(fieldsOf(b.entries, "b")).toEqual({ "f:spec": { "f:replicas": {} } });
  });

  it("answers 409 with FieldManagerConflict causes when another manager owns a changed field", () => {
    const created = trackUpdate(undefined, deploy({ replicas: 1 }), [], scope("kubectl-client-side-apply"));
    let err: unknown;
    try {
      applyConfig(deploy({ replicas: 1 }), deploy({ replicas: 5 }), created, scope("kubectl"));
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(StatusError);
    const status = (err as StatusError).status;
    expect(status.code).toBe(409);
    expect(status.reason).toBe("Conflict");
    expect(status.message).toBe('Apply failed with 1 conflict: conflict with "kubectl-client-side-apply" using apps/v1: .spec.replicas');
    expect(status.details?.causes).toEqual([{ reason: "FieldManagerConflict", message: 'conflict with "kubectl-client-side-apply" using apps/v1', field: ".spec.replicas" }]);
  });

  it("lists several conflicts by manager", () => {
    const a = applyConfig(undefined, deploy({ replicas: 1, minReadySeconds: 1 }), [], scope("a"));
    expect(() => applyConfig(a.object, deploy({ replicas: 2, minReadySeconds: 2 }), a.entries, scope("b"))).toThrow(
      'Apply failed with 2 conflicts: conflicts with "a":\n- .spec.minReadySeconds\n- .spec.replicas',
    );
  });

  it("takes conflicting fields over when forced", () => {
    const a = applyConfig(undefined, deploy({ replicas: 1, minReadySeconds: 1 }), [], scope("a"));
    const b = applyConfig(a.object, deploy({ replicas: 2 }), a.entries, scope("b", { force: true }));
    expect((b.object as any).spec.replicas).toBe(2);
    expect(fieldsOf(b.entries, "a")).toEqual({ "f:spec": { "f:minReadySeconds": {} } });
    expect(fieldsOf(b.entries, "b")).toEqual({ "f:spec": { "f:replicas": {} } });
  });

  it("ignores status on the main resource and owns only status through /status", () => {
    const main = applyConfig(undefined, { ...deploy({ replicas: 1 }), status: { replicas: 1 } }, [], scope("a"));
    expect(fieldsOf(main.entries, "a")).toEqual({ "f:spec": { "f:replicas": {} } });
    const status = applyConfig(main.object, { ...deploy({ replicas: 9 }), status: { replicas: 2 } }, main.entries, scope("ctrl", { subresource: "status" }));
    const entry = status.entries.find((e) => e.manager === "ctrl")!;
    expect(entry.subresource).toBe("status");
    expect(entry.set.toFieldsV1()).toEqual({ "f:status": { "f:replicas": {} } });
  });

  it("gives an object written before any tracking to before-first-apply", () => {
    const { entries } = applyConfig(deploy({ replicas: 1, minReadySeconds: 3 }), deploy({ replicas: 1 }), [], scope("a"));
    expect(fieldsOf(entries, "before-first-apply")).toEqual({ "f:spec": { "f:minReadySeconds": {}, "f:replicas": {} } });
  });
});

describe("Update entries", () => {
  it("records a create with `.` where an empty Go object has no field: omitempty fields and list items", () => {
    const entries = trackUpdate(undefined, deploy(containers({ name: "a", image: "a:1", ports: [{ containerPort: 80 }] }), { app: "web" }), [], scope("kubectl-create"));
    expect(encodeManagedFields(entries)[0]).toMatchObject({ manager: "kubectl-create", operation: "Update", apiVersion: "apps/v1", fieldsType: "FieldsV1" });
    expect(fieldsOf(entries, "kubectl-create")).toEqual({
      "f:metadata": { "f:labels": { ".": {}, "f:app": {} } },
      "f:spec": {
        "f:template": {
          "f:spec": {
            "f:containers": {
              'k:{"name":"a"}': {
                ".": {},
                "f:image": {},
                "f:name": {},
                "f:ports": { ".": {}, 'k:{"containerPort":80,"protocol":"TCP"}': { ".": {}, "f:containerPort": {} } },
              },
            },
          },
        },
      },
    });
  });

  it("marks pointer structs but not value structs of built-ins, and every new map of a CRD object", () => {
    const d = trackUpdate(undefined, deploy({ strategy: { type: "RollingUpdate", rollingUpdate: { maxSurge: 1 } } }), [], scope("m"));
    expect(fieldsOf(d, "m")).toEqual({ "f:spec": { "f:strategy": { "f:rollingUpdate": { ".": {}, "f:maxSurge": {} }, "f:type": {} } } });
    const crd = ApplySchema.crd({ type: "object", properties: { spec: { type: "object", properties: { a: { type: "string" } } } } });
    const w = trackUpdate(undefined, { apiVersion: "x/v1", kind: "W", metadata: { name: "w" }, spec: { a: "1" } }, [], scope("m", { schema: crd, hasStatus: false }));
    expect(fieldsOf(w, "m")).toEqual({ "f:spec": { ".": {}, "f:a": {} } });
  });

  it("moves a changed field to the writer and drops removed fields from every owner", () => {
    const a = applyConfig(undefined, deploy({ replicas: 1, minReadySeconds: 1 }), [], scope("a"));
    const after = trackUpdate(a.object, deploy({ replicas: 4 }), a.entries, scope("kubectl-edit"));
    expect(fieldsOf(after, "a")).toBeUndefined();
    expect(fieldsOf(after, "kubectl-edit")).toEqual({ "f:spec": { "f:replicas": {} } });
    expect(after.find((e) => e.manager === "kubectl-edit")!.operation).toBe("Update");
  });

  it("leaves entries untouched by a write that changes nothing", () => {
    const a = applyConfig(undefined, deploy({ replicas: 1 }), [], scope("a"));
    expect(encodeManagedFields(trackUpdate(a.object, a.object, a.entries, scope("b")))).toEqual(encodeManagedFields(a.entries));
  });
});

describe("managedFields entries", () => {
  it("round-trips entries and drops empty ones", () => {
    const raw = [{ manager: "m", operation: "Apply", apiVersion: "v1", time: "t", fieldsType: "FieldsV1", fieldsV1: { "f:data": { "f:a": {} } } }];
    expect(encodeManagedFields(decodeManagedFields(raw))).toEqual(raw);
    expect(encodeManagedFields(decodeManagedFields([{}]))).toEqual([]);
  });

  it("orders entries as upstream: appliers first, then by time and manager", () => {
    const e = (manager: string, operation: "Apply" | "Update", time: string) => ({ manager, operation, apiVersion: "v1", time, fieldsType: "FieldsV1", fieldsV1: { "f:data": {} } });
    const raw = [e("z", "Update", "2026-01-01T00:00:01Z"), e("b", "Apply", "2026-01-01T00:00:02Z"), e("a", "Update", "2026-01-01T00:00:01Z"), e("c", "Apply", "2026-01-01T00:00:01Z")];
    expect(encodeManagedFields(decodeManagedFields(raw)).map((x) => x.manager)).toEqual(["c", "b", "a", "z"]);
  });

  it("refuses malformed entries", () => {
    expect(() => decodeManagedFields({})).toThrow(/must be a list/);
    expect(() => decodeManagedFields([{ operation: "Delete" }])).toThrow(/operation/);
    expect(() => decodeManagedFields([{ fieldsType: "FieldsV2" }])).toThrow(/fieldsType/);
  });

  it("names the manager from fieldManager, else the User-Agent's program", () => {
    expect(managerName("mine", "kubectl/v1.32.0 (linux/amd64)")).toBe("mine");
    expect(managerName(undefined, "kubectl/v1.32.0 (linux/amd64) kubernetes/abc")).toBe("kubectl");
  });
});
