import { describe, expect, it } from "vitest";
import { FieldSet, FieldSetError, pathString } from "../../../core/api/apply/fieldset.js";
import { toFieldSet } from "../../../core/api/apply/typed.js";
import { ApplySchema } from "../../../core/api/apply/schema.js";

const DEPLOY = ApplySchema.builtin("io.k8s.api.apps.v1.Deployment");

describe("field sets in FieldsV1", () => {
  it("encodes members, children and the `.` marker in upstream's order", () => {
    const s = FieldSet.of(["f:spec", "f:replicas"], ["f:metadata", "f:labels", "f:app"], ["f:metadata", "f:labels"], ["f:spec", "f:c", "k:{\"name\":\"a\"}"], ["f:spec", "f:c", "k:{\"name\":\"a\"}", "f:image"]);
    expect(JSON.stringify(s.toFieldsV1())).toBe(
      '{"f:metadata":{"f:labels":{".":{},"f:app":{}}},"f:spec":{"f:c":{"k:{\\"name\\":\\"a\\"}":{".":{},"f:image":{}}},"f:replicas":{}}}',
    );
  });

  it("decodes what it encodes", () => {
    const v1 = { "f:metadata": { "f:labels": { ".": {}, "f:app": {} } }, "f:spec": { "f:replicas": {} } };
    const s = FieldSet.fromFieldsV1(v1);
    expect(s.has(["f:metadata", "f:labels"])).toBe(true);
    expect(s.has(["f:metadata"])).toBe(false);
    expect(s.toFieldsV1()).toEqual(v1);
  });

  it("refuses an unknown path element", () => {
    expect(() => FieldSet.fromFieldsV1({ "x:bad": {} })).toThrow(FieldSetError);
    expect(() => FieldSet.fromFieldsV1({ "f:a": [] })).toThrow(/must be an object/);
  });

  it("unions, differences and intersections by member", () => {
    const a = FieldSet.of(["f:a"], ["f:b", "f:c"]);
    const b = FieldSet.of(["f:b", "f:c"], ["f:d"]);
    expect(a.union(b).paths()).toEqual([["f:a"], ["f:b", "f:c"], ["f:d"]]);
    expect(a.difference(b).paths()).toEqual([["f:a"]]);
    expect(a.intersection(b).paths()).toEqual([["f:b", "f:c"]]);
  });

  it("prints paths as conflict messages do", () => {
    expect(pathString(["f:spec", "f:replicas"])).toBe(".spec.replicas");
    expect(pathString(["f:spec", "f:containers", 'k:{"name":"web"}', "f:image"])).toBe('.spec.containers[name="web"].image');
    expect(pathString(["f:ports", 'k:{"containerPort":80,"protocol":"TCP"}'])).toBe('.ports[containerPort=80,protocol="TCP"]');
    expect(pathString(["f:finalizers", 'v:"a"'])).toBe('.finalizers[="a"]');
    expect(pathString(["f:args", "i:0"])).toBe(".args[0]");
  });
});

describe("the fields an object sets", () => {
  it("marks list items and non-field map entries, not struct fields", () => {
    const set = toFieldSet(
      {
        metadata: { name: "web", labels: { app: "web" } },
        spec: {
          replicas: 2,
          selector: { matchLabels: { app: "web" } },
          template: { spec: { containers: [{ name: "nginx", image: "nginx", ports: [{ containerPort: 80 }], args: ["a", "b"] }] } },
        },
      },
      DEPLOY,
    );
    expect(set.toFieldsV1()).toEqual({
      "f:metadata": { "f:labels": { "f:app": {} }, "f:name": {} },
      "f:spec": {
        "f:replicas": {},
        // LabelSelector is an atomic map.
        "f:selector": {},
        "f:template": {
          "f:spec": {
            "f:containers": {
              'k:{"name":"nginx"}': {
                ".": {},
                "f:args": {},
                "f:image": {},
                "f:name": {},
                // The key's default protocol is part of the item's key.
                "f:ports": { 'k:{"containerPort":80,"protocol":"TCP"}': { ".": {}, "f:containerPort": {} } },
              },
            },
          },
        },
      },
    });
  });

  it("uses value elements for set lists and atomic lists whole in a CRD", () => {
    const crd = ApplySchema.crd({
      type: "object",
      properties: {
        spec: {
          type: "object",
          properties: {
            tags: { type: "array", "x-kubernetes-list-type": "set", items: { type: "string" } },
            args: { type: "array", items: { type: "string" } },
            items: { type: "array", "x-kubernetes-list-type": "map", "x-kubernetes-list-map-keys": ["id"], items: { type: "object", properties: { id: { type: "integer" }, v: { type: "string" } } } },
            free: { type: "object", "x-kubernetes-preserve-unknown-fields": true },
          },
        },
      },
    });
    const set = toFieldSet({ spec: { tags: ["x", "y"], args: ["a"], items: [{ id: 1, v: "a" }], free: { nested: { deep: 1 } } } }, crd);
    expect(set.toFieldsV1()).toEqual({
      "f:spec": {
        "f:args": {},
        "f:free": { "f:nested": { ".": {}, "f:deep": {} } },
        "f:items": { "k:{\"id\":1}": { ".": {}, "f:id": {}, "f:v": {} } },
        "f:tags": { 'v:"x"': {}, 'v:"y"': {} },
      },
    });
  });

  it("refuses two items with the same key, and an item with no key field at all", () => {
    const pod = ApplySchema.builtin("io.k8s.api.core.v1.Pod");
    expect(() => toFieldSet({ spec: { containers: [{ name: "a" }, { name: "a" }] } }, pod)).toThrow(/duplicate entries/);
    expect(() => toFieldSet({ spec: { containers: [{ image: "x" }] } }, pod)).toThrow(/omits all key fields/);
  });

  it("leaves an absent optional key field out of the key", () => {
    const claim = ApplySchema.builtin("io.k8s.api.resource.v1.ResourceClaimStatus");
    const set = toFieldSet({ devices: [{ driver: "d", pool: "p", device: "x" }] }, claim);
    expect(set.paths()[0]).toEqual(["f:devices", 'k:{"device":"x","driver":"d","pool":"p"}']);
  });
});
