import { chmodSync, writeFileSync } from "node:fs";
import * as k8s from "@kubernetes/client-node";
import { parse as parseYaml } from "yaml";
import { describe, expect, it } from "vitest";
import { clusterPerFile, kubectlMissing } from "./cluster-per-file.js";

const deployment = (replicas: number, extra = "") => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  labels: {app: web${extra}}
spec:
  replicas: ${replicas}
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers:
      - name: nginx
        image: nginx:1.25
        ports: [{containerPort: 80}]
`;

const WIDGETS = `apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: {name: widgets.example.com}
spec:
  group: example.com
  scope: Namespaced
  names: {plural: widgets, singular: widget, kind: Widget}
  versions:
  - name: v1
    served: true
    storage: true
    subresources: {status: {}}
    schema:
      openAPIV3Schema:
        type: object
        properties:
          spec:
            type: object
            properties:
              size: {type: integer}
              tags: {type: array, x-kubernetes-list-type: set, items: {type: string}}
              ports:
                type: array
                x-kubernetes-list-type: map
                x-kubernetes-list-map-keys: [name]
                items: {type: object, properties: {name: {type: string}, port: {type: integer}}}
          status:
            type: object
            properties:
              ready: {type: boolean}
`;

type Entry = { manager: string; operation: string; apiVersion: string; time?: string; fieldsType: string; fieldsV1: Record<string, any>; subresource?: string };

describe.skipIf(kubectlMissing)("kubectl apply --server-side", () => {
  const k = clusterPerFile();
  const ok = (args: string[]) => k.ok(args);
  const file = (name: string, text: string) => k.manifest(name, text);
  const getJson = async (...args: string[]) => JSON.parse(await ok(["get", ...args, "-o", "json", "--show-managed-fields"]));
  const managers = (obj: { metadata: { managedFields?: Entry[] } }) => (obj.metadata.managedFields ?? []).map((e) => `${e.manager}/${e.operation}${e.subresource ? `/${e.subresource}` : ""}`);

  it("`kubectl apply --server-side` creates an object owned by the kubectl Apply manager", async () => {
    expect(await ok(["apply", "--server-side", "-f", file("d1.yaml", deployment(2))])).toBe("deployment.apps/web serverside-applied\n");
    const d = await getJson("deployment", "web");
    expect(d.spec.replicas).toBe(2);
    expect(d.spec.template.spec.containers[0].ports).toEqual([{ containerPort: 80, protocol: "TCP" }]);
    expect(d.metadata.managedFields).toHaveLength(1);
    const [entry] = d.metadata.managedFields as Entry[];
    expect(entry).toMatchObject({ manager: "kubectl", operation: "Apply", apiVersion: "apps/v1", fieldsType: "FieldsV1" });
    expect(entry!.time).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    expect(entry!.fieldsV1).toEqual({
      "f:metadata": { "f:labels": { "f:app": {} } },
      "f:spec": {
        "f:replicas": {},
        "f:selector": {},
        "f:template": {
          "f:metadata": { "f:labels": { "f:app": {} } },
          "f:spec": {
            "f:containers": {
              'k:{"name":"nginx"}': {
                ".": {},
                "f:image": {},
                "f:name": {},
                "f:ports": { 'k:{"containerPort":80,"protocol":"TCP"}': { ".": {}, "f:containerPort": {} } },
              },
            },
          },
        },
      },
    });
  });

  it("`kubectl get -o yaml --show-managed-fields` shows the entries, and plain `-o yaml` hides them", async () => {
    const shown = parseYaml(await ok(["get", "deployment", "web", "-o", "yaml", "--show-managed-fields"]));
    expect(shown.metadata.managedFields[0].manager).toBe("kubectl");
    expect(shown.metadata.managedFields[0].fieldsV1["f:spec"]["f:replicas"]).toEqual({});
    const hidden = parseYaml(await ok(["get", "deployment", "web", "-o", "yaml"]));
    expect(hidden.metadata.managedFields).toBeUndefined();
  });

  it("`kubectl apply --server-side` re-applies a change and prunes a field it no longer applies", async () => {
    await ok(["apply", "--server-side", "-f", file("d2.yaml", deployment(3, ", tier: front"))]);
    let d = await getJson("deployment", "web");
    expect(d.spec.replicas).toBe(3);
    expect(d.metadata.labels).toEqual({ app: "web", tier: "front" });
    expect(d.metadata.managedFields[0].fieldsV1["f:metadata"]).toEqual({ "f:labels": { "f:app": {}, "f:tier": {} } });
    await ok(["apply", "--server-side", "-f", file("d3.yaml", deployment(3))]);
    d = await getJson("deployment", "web");
    expect(d.metadata.labels).toEqual({ app: "web" });
    expect(d.metadata.managedFields[0].fieldsV1["f:metadata"]).toEqual({ "f:labels": { "f:app": {} } });
  });

  it("`kubectl scale` takes .spec.replicas, a later apply conflicts, and --force-conflicts wins", async () => {
    expect(await ok(["scale", "deployment", "web", "--replicas=5"])).toBe("deployment.apps/web scaled\n");
    let d = await getJson("deployment", "web");
    expect(managers(d)).toEqual(["kubectl/Apply", "kubectl/Update/scale"]);
    expect(d.metadata.managedFields[0].fieldsV1["f:spec"]["f:replicas"]).toBeUndefined();

    const conflict = await k.cluster.kubectl(["apply", "--server-side", "-f", file("d4.yaml", deployment(3))]);
    expect(conflict.code).toBe(1);
    expect(conflict.stderr).toContain('error: Apply failed with 1 conflict: conflict with "kubectl" with subresource "scale" using apps/v1: .spec.replicas');
    expect(conflict.stderr).toContain("--force-conflicts");
    expect((await getJson("deployment", "web")).spec.replicas).toBe(5);

    expect(await ok(["apply", "--server-side", "--force-conflicts", "-f", file("d4.yaml", deployment(3))])).toBe("deployment.apps/web serverside-applied\n");
    d = await getJson("deployment", "web");
    expect(d.spec.replicas).toBe(3);
    expect(managers(d)).toEqual(["kubectl/Apply"]);
    expect(d.metadata.managedFields[0].fieldsV1["f:spec"]["f:replicas"]).toEqual({});
  });

  it("`kubectl patch` records an Update entry and its field conflicts with an applier", async () => {
    await ok(["patch", "deployment", "web", "--type=merge", "-p", '{"spec":{"minReadySeconds":7}}']);
    const d = await getJson("deployment", "web");
    const patcher = (d.metadata.managedFields as Entry[]).find((e) => e.manager === "kubectl-patch")!;
    expect(patcher).toMatchObject({ operation: "Update", apiVersion: "apps/v1" });
    expect(patcher.fieldsV1).toEqual({ "f:spec": { "f:minReadySeconds": {} } });
    const conflict = await k.cluster.kubectl(["apply", "--server-side", "--field-manager=ci", "-f", file("d5.yaml", deployment(3).replace("replicas: 3", "replicas: 3\n  minReadySeconds: 1"))]);
    expect(conflict.code).toBe(1);
    expect(conflict.stderr).toContain("Apply failed with 1 conflict");
    expect(conflict.stderr).toContain('conflict with "kubectl-patch" using apps/v1: .spec.minReadySeconds');
  });

  it("`kubectl edit` takes the fields it changes from an applier, which then conflicts on them", async () => {
    const cm = (color: string) => `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: edited}\ndata: {color: ${color}, size: L}\n`;
    await ok(["apply", "--server-side", "-f", file("e1.yaml", cm("blue"))]);
    const editor = k.scratch("ssa-editor.sh");
    writeFileSync(editor, "#!/bin/sh\nsed -i -e 's/color: blue/color: purple/' \"$1\"\n");
    chmodSync(editor, 0o755);
    expect(await k.ok(["edit", "configmap", "edited"], { env: { EDITOR: editor, KUBE_EDITOR: editor } })).toBe("configmap/edited edited\n");
    const obj = await getJson("configmap", "edited");
    expect(managers(obj)).toEqual(["kubectl/Apply", "kubectl-edit/Update"]);
    expect(obj.metadata.managedFields[0].fieldsV1).toEqual({ "f:data": { "f:size": {} } });
    expect(obj.metadata.managedFields[1].fieldsV1).toEqual({ "f:data": { "f:color": {} } });
    const conflict = await k.cluster.kubectl(["apply", "--server-side", "-f", file("e2.yaml", cm("green"))]);
    expect(conflict.code).toBe(1);
    expect(conflict.stderr).toContain('error: Apply failed with 1 conflict: conflict with "kubectl-edit" using v1: .data.color');
    // Applying the value the editor set shares the field instead of conflicting.
    await ok(["apply", "--server-side", "-f", file("e3.yaml", cm("purple"))]);
    const shared = await getJson("configmap", "edited");
    expect(managers(shared)).toEqual(["kubectl/Apply", "kubectl-edit/Update"]);
    expect(shared.metadata.managedFields[0].fieldsV1).toEqual({ "f:data": { "f:color": {}, "f:size": {} } });
  });

  it("`kubectl apply --server-side` migrates an object created by client-side `kubectl apply`", async () => {
    const cm = (data: string) => `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: migrated}\ndata: {${data}}\n`;
    expect(await ok(["apply", "-f", file("cm1.yaml", cm('a: "1", b: "2"'))])).toBe("configmap/migrated created\n");
    expect(managers(await getJson("configmap", "migrated"))).toEqual(["kubectl-client-side-apply/Update"]);
    expect(await ok(["apply", "--server-side", "-f", file("cm1.yaml", cm('a: "1", b: "2"'))])).toBe("configmap/migrated serverside-applied\n");
    let obj = await getJson("configmap", "migrated");
    expect(managers(obj)).toEqual(["kubectl/Apply", "kubectl-last-applied/Apply"]);
    expect(obj.metadata.managedFields[0].fieldsV1).toEqual({ "f:data": { "f:a": {}, "f:b": {} } });
    // After the migration the kubectl applier owns what client-side apply owned, so dropping b prunes it.
    await ok(["apply", "--server-side", "-f", file("cm2.yaml", cm('a: "1"'))]);
    obj = await getJson("configmap", "migrated");
    expect(obj.data).toEqual({ a: "1" });
    expect(JSON.parse(obj.metadata.annotations["kubectl.kubernetes.io/last-applied-configuration"]).data).toEqual({ a: "1" });
  });

  it("`kubectl apply --server-side` merges a CRD object's lists by their list types, with shared ownership", async () => {
    await ok(["apply", "--server-side", "-f", file("crd.yaml", WIDGETS)]);
    await ok(["wait", "--for=condition=Established", "crd/widgets.example.com", "--timeout=20s"]);
    const widget = (spec: string) => `apiVersion: example.com/v1\nkind: Widget\nmetadata: {name: w1}\nspec:\n${spec}`;
    await ok(["apply", "--server-side", "-f", file("w1.yaml", widget("  size: 1\n  tags: [a, b]\n  ports: [{name: http, port: 80}]\n"))]);
    await ok(["apply", "--server-side", "--field-manager=other", "-f", file("w2.yaml", widget("  size: 1\n  tags: [c]\n  ports: [{name: grpc, port: 90}]\n"))]);
    const w = await getJson("widget", "w1");
    expect(w.spec).toEqual({ size: 1, tags: ["a", "b", "c"], ports: [{ name: "http", port: 80 }, { name: "grpc", port: 90 }] });
    const other = (w.metadata.managedFields as Entry[]).find((e) => e.manager === "other")!;
    expect(other.fieldsV1).toEqual({ "f:spec": { "f:ports": { 'k:{"name":"grpc"}': { ".": {}, "f:name": {}, "f:port": {} } }, "f:size": {}, "f:tags": { 'v:"c"': {} } } });
    const mine = (w.metadata.managedFields as Entry[]).find((e) => e.manager === "kubectl")!;
    expect(mine.fieldsV1["f:spec"]["f:size"]).toEqual({});
  });

  it("`kubectl apply --server-side --dry-run=server` answers the merged object without storing it", async () => {
    const out = await ok(["apply", "--server-side", "--dry-run=server", "--show-managed-fields", "-o", "json", "-f", file("dry.yaml", deployment(3).replace("name: web", "name: dry"))]);
    expect(JSON.parse(out).metadata.managedFields[0].manager).toBe("kubectl");
    const missing = await k.cluster.kubectl(["get", "deployment", "dry"]);
    expect(missing.stderr).toContain('deployments.apps "dry" not found');
  });

  it("`kubectl replace` with managedFields set to [{}] clears them", async () => {
    const obj = await getJson("deployment", "web");
    expect(obj.metadata.managedFields.length).toBeGreaterThan(0);
    obj.metadata.managedFields = [{}];
    expect(await ok(["replace", "-f", file("cleared.json", JSON.stringify(obj))])).toBe("deployment.apps/web replaced\n");
    expect((await getJson("deployment", "web")).metadata.managedFields).toBeUndefined();
  });

  it("apply over HTTP: fieldManager is required, force only with apply, status applies through /status, bad entries are refused", async () => {
    const path = "/apis/example.com/v1/namespaces/default/widgets/w1";
    const yaml = { "Content-Type": "application/apply-patch+yaml" };
    const noManager = await k.cluster.api("PATCH", path, "apiVersion: example.com/v1\nkind: Widget\nmetadata: {name: w1}\n", yaml);
    expect(noManager.status).toBe(422);
    expect(JSON.parse(noManager.body).message).toBe('PatchOptions.meta.k8s.io "" is invalid: fieldManager: Required value: is required for apply patch');

    const forceOnMerge = await k.cluster.api("PATCH", `${path}?force=true`, "{}", { "Content-Type": "application/merge-patch+json" });
    expect(forceOnMerge.status).toBe(422);
    expect(JSON.parse(forceOnMerge.body).message).toBe('PatchOptions.meta.k8s.io "" is invalid: force: Forbidden: may not be specified for non-apply patch');

    const status = await k.cluster.api("PATCH", `${path}/status?fieldManager=ctrl`, "apiVersion: example.com/v1\nkind: Widget\nmetadata: {name: w1}\nstatus: {ready: true}\nspec: {size: 9}\n", yaml);
    expect(status.status).toBe(200);
    const body = JSON.parse(status.body);
    expect(body.status).toEqual({ ready: true });
    expect(body.spec.size).toBe(1);
    expect(body.metadata.managedFields.find((e: Entry) => e.manager === "ctrl")).toMatchObject({ operation: "Apply", subresource: "status", fieldsV1: { "f:status": { "f:ready": {} } } });

    const withEntries = await k.cluster.api("PATCH", `${path}?fieldManager=x`, "apiVersion: example.com/v1\nkind: Widget\nmetadata: {name: w1, managedFields: []}\n", yaml);
    expect(withEntries.status).toBe(400);
    expect(JSON.parse(withEntries.body).message).toBe("metadata.managedFields must be nil");
  });

  it("@kubernetes/client-node applies server-side with the apply content type", async () => {
    const kc = new k8s.KubeConfig();
    kc.loadFromFile(k.cluster.kubeconfig);
    const core = kc.makeApiClient(k8s.CoreV1Api);
    const applied = await core.patchNamespacedConfigMap(
      { name: "from-node", namespace: "default", fieldManager: "node-app", body: { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "from-node" }, data: { k: "v" } } },
      k8s.setHeaderOptions("Content-Type", k8s.PatchStrategy.ServerSideApply),
    );
    expect(applied.data).toEqual({ k: "v" });
    expect(applied.metadata?.managedFields?.map((e) => [e.manager, e.operation])).toEqual([["node-app", "Apply"]]);
    const conflict = core.patchNamespacedConfigMap(
      { name: "from-node", namespace: "default", fieldManager: "rival", body: { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "from-node" }, data: { k: "w" } } },
      k8s.setHeaderOptions("Content-Type", k8s.PatchStrategy.ServerSideApply),
    );
    await expect(conflict).rejects.toMatchObject({ code: 409 });
    const forced = await core.patchNamespacedConfigMap(
      { name: "from-node", namespace: "default", fieldManager: "rival", force: true, body: { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "from-node" }, data: { k: "w" } } },
      k8s.setHeaderOptions("Content-Type", k8s.PatchStrategy.ServerSideApply),
    );
    expect(forced.data).toEqual({ k: "w" });
    expect(forced.metadata?.managedFields?.map((e) => e.manager)).toEqual(["rival"]);
  });
});
