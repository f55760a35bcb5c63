import { describe, expect, it } from "vitest";
import { recordUpdate } from "../../core/apiserver/registry/field-tracking.js";
import type { ServedResource } from "../../core/apiserver/registry/served-resource.js";
import { StatusError } from "../../core/api/status.js";

const configmaps: ServedResource = {
  group: "",
  version: "v1",
  kind: "ConfigMap",
  listKind: "ConfigMapList",
  plural: "configmaps",
  singular: "configmap",
  namespaced: true,
  verbs: [],
  shortNames: [],
  categories: [],
  subresources: [],
  definition: "io.k8s.api.core.v1.ConfigMap",
  prefix: "/registry/configmaps/",
};
const cm = (data: Record<string, string>, managedFields?: unknown) => ({ apiVersion: "v1", kind: "ConfigMap", metadata: { name: "c", namespace: "d", ...(managedFields ? { managedFields } : {}) }, data });

describe("managed fields on the store's writes", () => {
  it("names the manager from the User-Agent when no fieldManager is given", () => {
    const next = cm({ a: "1" });
    recordUpdate(configmaps, undefined, next, { userAgent: "kubectl/v1.32.4 (linux/amd64) kubernetes/4cb5f07" });
    expect(next.metadata.managedFields).toEqual([
      { manager: "kubectl", operation: "Update", apiVersion: "v1", time: expect.stringMatching(/Z$/), fieldsType: "FieldsV1", fieldsV1: { "f:data": { ".": {}, "f:a": {} } } },
    ]);
  });

  it("keeps the stored entries when a write sends none, and takes the sent ones otherwise", () => {
    const old = cm({ a: "1" }, [{ manager: "x", operation: "Apply", apiVersion: "v1", fieldsType: "FieldsV1", fieldsV1: { "f:data": { "f:a": {} } } }]);
    const same = cm({ a: "1" });
    recordUpdate(configmaps, old, same, { fieldManager: "y" });
    expect(same.metadata.managedFields).toEqual(old.metadata.managedFields);
    const rewritten = cm({ a: "1" }, [{ manager: "z", operation: "Apply", apiVersion: "v1", fieldsType: "FieldsV1", fieldsV1: { "f:data": { "f:a": {} } } }]);
    recordUpdate(configmaps, old, rewritten, { fieldManager: "y" });
    expect((rewritten.metadata.managedFields as { manager: string }[]).map((e) => e.manager)).toEqual(["z"]);
  });

  it("answers 400 naming the entry for malformed managedFields", () => {
    const bad = cm({ a: "1" }, [{ manager: "z", fieldsV1: { "x:nope": {} } }]);
    let err: unknown;
    try {
      recordUpdate(configmaps, cm({ a: "1" }), bad, { fieldManager: "y" });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(StatusError);
    expect((err as StatusError).status.code).toBe(400);
    expect((err as StatusError).status.message).toBe('metadata.managedFields[0].fieldsV1: unknown path element "x:nope"');
  });
});
