import { execFileSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import {
  definition,
  resourceFor,
  resourceForKind,
  resources,
  type DefinitionSchema,
  type ResourceInfo,
} from "../../core/api/schema/kubernetes-schemas.js";
import { packageRoot } from "../../core/kernel/package-root.js";
import { tempDir } from "../support/temp.js";

const root = packageRoot();
const outDir = join(root, "schemas", "kubernetes");
const specPath = join(root, "..", "shared", "reference", "kubernetes-1.36-openapi-v2.json");
const specPresent = existsSync(specPath);
if (!specPresent) console.log(`skipping the staleness check of schemas/kubernetes/: no spec at ${specPath}`);

function res(group: string, version: string, plural: string): ResourceInfo {
  const r = resourceFor({ group, version, plural });
  if (!r) throw new Error(`no resource ${group}/${version}/${plural}`);
  return r;
}
const sub = (r: ResourceInfo, name: string) => r.subresources.find((s) => s.name === name);
const prop = (def: string, field: string): DefinitionSchema | undefined => definition(def)?.properties?.[field];

/** Calls fn on every schema node, following structure (not property names). */
function eachNode(node: DefinitionSchema, fn: (n: DefinitionSchema) => void): void {
  fn(node);
  if (node.items) eachNode(node.items, fn);
  if (typeof node.additionalProperties === "object") eachNode(node.additionalProperties, fn);
  for (const p of Object.values(node.properties ?? {})) eachNode(p, fn);
}
const allDefinitions = (): Record<string, DefinitionSchema> =>
  JSON.parse(readFileSync(join(outDir, "definitions.json"), "utf8")).definitions;

describe("kubernetes resources", () => {
  it("pods are namespaced, carry their upstream subresources, and are po in category all", () => {
    const pods = res("", "v1", "pods");
    expect(pods.namespaced).toBe(true);
    expect(pods.kind).toBe("Pod");
    expect(pods.singular).toBe("pod");
    expect(pods.definition).toBe("io.k8s.api.core.v1.Pod");
    expect(pods.listDefinition).toBe("io.k8s.api.core.v1.PodList");
    expect(pods.verbs).toEqual(["create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"]);
    expect(pods.shortNames).toEqual(["po"]);
    expect(pods.categories).toEqual(["all"]);
    const names = pods.subresources.map((s) => s.name);
    for (const n of ["status", "log", "exec", "attach", "portforward", "proxy", "binding", "eviction", "ephemeralcontainers", "resize"]) {
      expect(names).toContain(n);
    }
    expect(sub(pods, "status")).toMatchObject({ group: "", version: "v1", kind: "Pod", verbs: ["get", "patch", "update"] });
    expect(sub(pods, "log")).toMatchObject({ kind: "Pod", verbs: ["get"] });
    expect(sub(pods, "exec")).toMatchObject({ kind: "PodExecOptions", verbs: ["create", "get"] });
    expect(sub(pods, "binding")).toMatchObject({ kind: "Binding", verbs: ["create"] });
    expect(sub(pods, "eviction")).toMatchObject({ group: "policy", version: "v1", kind: "Eviction", verbs: ["create"] });
    expect(sub(pods, "proxy")?.verbs).toEqual(["create", "delete", "get", "patch", "update"]);
  });

  it("knows which resources are cluster-scoped", () => {
    expect(res("", "v1", "nodes").namespaced).toBe(false);
    expect(res("", "v1", "nodes").shortNames).toEqual(["no"]);
    expect(res("", "v1", "namespaces").namespaced).toBe(false);
    expect(res("", "v1", "persistentvolumes").namespaced).toBe(false);
    expect(res("rbac.authorization.k8s.io", "v1", "clusterroles").namespaced).toBe(false);
    expect(res("rbac.authorization.k8s.io", "v1", "roles").namespaced).toBe(true);
    expect(res("apiextensions.k8s.io", "v1", "customresourcedefinitions")).toMatchObject({
      namespaced: false,
      shortNames: ["crd", "crds"],
      categories: ["api-extensions"],
    });
  });

  it("namespaces have no deletecollection but a finalize subresource", () => {
    const ns = res("", "v1", "namespaces");
    expect(ns.verbs).not.toContain("deletecollection");
    expect(sub(ns, "finalize")).toMatchObject({ kind: "Namespace", verbs: ["update"] });
  });

  it("the scale subresource of workloads is autoscaling/v1 Scale", () => {
    for (const plural of ["deployments", "replicasets", "statefulsets"]) {
      expect(sub(res("apps", "v1", plural), "scale")).toMatchObject({
        group: "autoscaling",
        version: "v1",
        kind: "Scale",
        verbs: ["get", "patch", "update"],
        definition: "io.k8s.api.autoscaling.v1.Scale",
      });
    }
    expect(res("apps", "v1", "deployments")).toMatchObject({ shortNames: ["deploy"], categories: ["all"] });
    expect(sub(res("apps", "v1", "daemonsets"), "scale")).toBeUndefined();
  });

  it("review kinds are create-only, and their scope follows the path", () => {
    expect(res("authentication.k8s.io", "v1", "tokenreviews")).toMatchObject({ verbs: ["create"], namespaced: false });
    expect(res("authorization.k8s.io", "v1", "subjectaccessreviews")).toMatchObject({ verbs: ["create"], namespaced: false });
    expect(res("authorization.k8s.io", "v1", "localsubjectaccessreviews")).toMatchObject({ verbs: ["create"], namespaced: true });
    expect(res("authorization.k8s.io", "v1", "selfsubjectaccessreviews").listDefinition).toBeUndefined();
  });

  it("serves exactly the chosen stable group/versions", () => {
    const gvs = new Set(resources().map((r) => `${r.group}/${r.version}`));
    expect([...gvs].sort()).toEqual(
      [
        "/v1",
        "admissionregistration.k8s.io/v1",
        "apiextensions.k8s.io/v1",
        "apps/v1",
        "authentication.k8s.io/v1",
        "authorization.k8s.io/v1",
        "autoscaling/v1",
        "autoscaling/v2",
        "batch/v1",
        "certificates.k8s.io/v1",
        "coordination.k8s.io/v1",
        "discovery.k8s.io/v1",
        "events.k8s.io/v1",
        "networking.k8s.io/v1",
        "node.k8s.io/v1",
        "policy/v1",
        "rbac.authorization.k8s.io/v1",
        "scheduling.k8s.io/v1",
        "storage.k8s.io/v1",
      ].sort(),
    );
  });

  it("every resource and subresource names definitions that exist", () => {
    for (const r of resources()) {
      expect(definition(r.definition), r.definition).toBeDefined();
      expect(definition(r.definition)?.["x-kubernetes-group-version-kind"]).toContainEqual({ group: r.group, version: r.version, kind: r.kind });
      if (r.listDefinition) expect(definition(r.listDefinition), r.listDefinition).toBeDefined();
      for (const s of r.subresources) if (s.definition) expect(definition(s.definition), s.definition).toBeDefined();
    }
  });

  it("looks resources up by plural and by kind", () => {
    expect(resourceForKind({ group: "apps", version: "v1", kind: "Deployment" })?.plural).toBe("deployments");
    expect(resourceForKind({ group: "events.k8s.io", version: "v1", kind: "Event" })?.definition).toBe("io.k8s.api.events.v1.Event");
    expect(resourceForKind({ group: "", version: "v1", kind: "Event" })?.definition).toBe("io.k8s.api.core.v1.Event");
    expect(resourceFor({ group: "autoscaling", version: "v2", plural: "horizontalpodautoscalers" })?.shortNames).toEqual(["hpa"]);
    expect(resourceFor({ group: "apps", version: "v1beta1", plural: "deployments" })).toBeUndefined();
    expect(resourceFor({ group: "", version: "v1", plural: "deployments" })).toBeUndefined();
  });
});

describe("kubernetes definitions", () => {
  it("keeps strategic-merge facts", () => {
    expect(prop("io.k8s.api.core.v1.PodSpec", "containers")).toMatchObject({
      type: "array",
      items: { ref: "io.k8s.api.core.v1.Container" },
      "x-kubernetes-patch-strategy": "merge",
      "x-kubernetes-patch-merge-key": "name",
      "x-kubernetes-list-type": "map",
      "x-kubernetes-list-map-keys": ["name"],
    });
    expect(prop("io.k8s.api.core.v1.PodSpec", "volumes")).toMatchObject({
      "x-kubernetes-patch-strategy": "merge,retainKeys",
      "x-kubernetes-patch-merge-key": "name",
    });
    expect(prop("io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta", "finalizers")?.["x-kubernetes-patch-strategy"]).toBe("merge");
    expect(prop("io.k8s.api.core.v1.Container", "ports")?.["x-kubernetes-list-map-keys"]).toEqual(["containerPort", "protocol"]);
  });

  it("keeps types, formats, refs, required and group-version-kinds", () => {
    expect(definition("io.k8s.apimachinery.pkg.util.intstr.IntOrString")).toEqual({ type: "string", format: "int-or-string" });
    expect(definition("io.k8s.api.core.v1.Pod")?.properties?.spec).toEqual({ ref: "io.k8s.api.core.v1.PodSpec" });
    expect(definition("io.k8s.api.core.v1.PodSpec")?.required).toContain("containers");
    expect(definition("io.k8s.api.apps.v1.Deployment")?.["x-kubernetes-group-version-kind"]).toEqual([
      { group: "apps", version: "v1", kind: "Deployment" },
    ]);
    expect(prop("io.k8s.api.core.v1.ConfigMap", "data")?.additionalProperties).toEqual({ type: "string" });
    expect(definition("io.k8s.api.core.v1.NoSuchThing")).toBeUndefined();
    expect(definition("toString")).toBeUndefined();
  });

  it("has no description (or $ref) keyword in any schema node, yet keeps fields of those names", () => {
    const defs = allDefinitions();
    expect(Object.keys(defs).length).toBeGreaterThan(700);
    for (const [name, schema] of Object.entries(defs)) {
      eachNode(schema, (n) => {
        expect(Object.hasOwn(n, "description"), name).toBe(false);
        expect(Object.hasOwn(n, "$ref"), name).toBe(false);
        if (n.ref) expect(defs[n.ref], `${name} -> ${n.ref}`).toBeDefined();
      });
    }
    // JSONSchemaProps has fields called description and $ref: property names are data, not keywords.
    const props = definition("io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.JSONSchemaProps")?.properties ?? {};
    expect(props.description).toEqual({ type: "string" });
    expect(props.$ref).toEqual({ type: "string" });
  });
});

describe("generated files", () => {
  it("carry the generated marker as their first key", () => {
    for (const file of ["definitions.json", "resources.json"]) {
      const text = readFileSync(join(outDir, file), "utf8");
      expect(text.startsWith('{"//":"generated by npm run gen:kubernetes from the Kubernetes 1.36 OpenAPI spec; do not edit"'), file).toBe(true);
    }
  });

  it.skipIf(!specPresent)("are what the script derives from the spec today", () => {
    const out = tempDir();
    execFileSync(process.execPath, [join(root, "scripts", "derive-kubernetes-schemas.mjs"), specPath, out], { stdio: "pipe" });
    for (const file of ["definitions.json", "resources.json"]) {
      const fresh = readFileSync(join(out, file), "utf8");
      const committed = readFileSync(join(outDir, file), "utf8");
      // Not toEqual on the text: a 300 kB diff would drown the message.
      expect(fresh === committed, `${file} is stale; run npm run gen:kubernetes`).toBe(true);
    }
  });
});
