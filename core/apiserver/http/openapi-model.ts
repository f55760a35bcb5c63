import { definition, type DefinitionSchema } from "../../api/schema/kubernetes-schemas.js";
import type { ServedResource } from "../registry/served-resource.js";

/**
 * What /openapi/v2 and /openapi/v3 have in common, built once from the derived schemas
 * and the catalog: the definitions a set of resources needs (built-in ones by their
 * upstream names, CRD ones from their structural schemas) and the operations of each
 * resource's paths. The two documents differ only in how they write these down.
 */

type Json = Record<string, unknown>;

export interface GroupVersionKindRef {
  group: string;
  version: string;
  kind: string;
}

/**
 * A definition in the compact form of the derived schemas: `ref` names another
 * definition. CRD schemas take the same form (a structural schema has no `ref` keyword).
 */
export type Definition = DefinitionSchema | Json;

export interface OpParam {
  name: string;
  in: "query" | "path";
  type: "string" | "integer" | "boolean";
  required?: boolean;
}

export interface Operation {
  method: "get" | "put" | "post" | "patch" | "delete";
  action: "get" | "list" | "put" | "post" | "patch" | "delete" | "deletecollection" | "watch" | "watchlist";
  operationId: string;
  gvk: GroupVersionKindRef;
  params: OpParam[];
  /** Definition name of the request body; undefined means a free-form object. */
  body?: { ref?: string };
  consumes: string[];
  responses: { code: string; description: string; ref?: string }[];
}

export interface PathEntry {
  path: string;
  params: OpParam[];
  ops: Operation[];
}

const META = "io.k8s.apimachinery.pkg.apis.meta.v1";
export const OBJECT_META = `${META}.ObjectMeta`;
export const LIST_META = `${META}.ListMeta`;
export const STATUS = `${META}.Status`;

/** `com.example.v1.Widget`: upstream names CRD definitions by reversed group, version and kind. */
export const crdDefinitionName = (r: { group: string; version: string; kind: string }) => `${r.group.split(".").reverse().join(".")}.${r.version}.${r.kind}`;

/** Every definition name a compact schema refers to, transitively. */
function refsOf(s: unknown, into: Set<string>): void {
  if (!s || typeof s !== "object") return;
  if (Array.isArray(s)) return s.forEach((x) => refsOf(x, into));
  for (const [k, v] of Object.entries(s)) {
    if (k === "ref" && typeof v === "string" && !into.has(v)) {
      into.add(v);
      refsOf(definition(v), into);
    } else refsOf(v, into);
  }
}

/** The definition of a resource's kind and of its list, by name (undefined for a CRD without a schema). */
export function kindDefinition(r: ServedResource): string | undefined {
  if (r.definition) return r.definition;
  return r.crd?.schema ? crdDefinitionName(r) : undefined;
}

export function listDefinition(r: ServedResource): string | undefined {
  if (r.definition) return definition(`${r.definition}List`) ? `${r.definition}List` : undefined;
  return r.crd?.schema ? `${crdDefinitionName(r)}List` : undefined;
}

/** A CRD's schema as a definition: with the object's standard fields and its GVK, as upstream publishes it. */
function crdDefinitions(r: ServedResource): [string, Definition][] {
  const schema = r.crd!.schema!;
  const gvk = (kind: string) => [{ group: r.group, version: r.version, kind }];
  const kind: Json = {
    ...schema,
    type: "object",
    properties: { apiVersion: { type: "string" }, kind: { type: "string" }, metadata: { ref: OBJECT_META }, ...(schema.properties ?? {}) },
    "x-kubernetes-group-version-kind": gvk(r.kind),
  };
  const list: Json = {
    type: "object",
    required: ["items"],
    properties: { apiVersion: { type: "string" }, items: { type: "array", items: { ref: crdDefinitionName(r) } }, kind: { type: "string" }, metadata: { ref: LIST_META } },
    "x-kubernetes-group-version-kind": gvk(r.listKind),
  };
  return [
    [crdDefinitionName(r), kind],
    [`${crdDefinitionName(r)}List`, list],
  ];
}

/** The definitions the given resources need, sorted by name; `always` adds names every document carries. */
export function definitionsFor(resources: readonly ServedResource[], always: readonly string[] = []): Map<string, Definition> {
  const names = new Set<string>();
  const crds: [string, Definition][] = [];
  for (const n of always) if (definition(n) && !names.has(n)) (names.add(n), refsOf(definition(n), names));
  for (const r of resources) {
    // What the paths name (the kind, its list, Status, DeleteOptions, Scale) and all they refer to.
    const named = pathsOf(r).flatMap((e) => e.ops.flatMap((o) => [o.body?.ref, ...o.responses.map((x) => x.ref)]));
    for (const n of named) {
      if (n && definition(n) && !names.has(n)) {
        names.add(n);
        refsOf(definition(n), names);
      }
    }
    if (!r.definition && r.crd?.schema) {
      crds.push(...crdDefinitions(r));
      for (const n of [OBJECT_META, LIST_META]) if (!names.has(n)) (names.add(n), refsOf(definition(n), names));
    }
  }
  const out = new Map<string, Definition>();
  for (const n of [...names].sort()) out.set(n, definition(n)!);
  for (const [n, d] of crds.sort((a, b) => a[0].localeCompare(b[0]))) out.set(n, d);
  return out;
}

/** `NetworkingV1`, `RbacAuthorizationV1`, `CoreV1`, `ExampleComV1`: upstream's operation id infix. */
function groupVersionId(group: string, version: string): string {
  const words = group ? group.replace(/\.k8s\.io$/, "").split(/[.-]/) : ["core"];
  return words.map((w) => w.charAt(0).toUpperCase() + w.slice(1)).join("") + version.charAt(0).toUpperCase() + version.slice(1);
}

const PATCH_TYPES = ["application/json-patch+json", "application/merge-patch+json", "application/strategic-merge-patch+json", "application/apply-patch+yaml"];
const q = (name: string, type: OpParam["type"] = "string"): OpParam => ({ name, in: "query", type });
const WRITE = [q("dryRun"), q("fieldManager"), q("fieldValidation")];
const LIST = [q("allowWatchBookmarks", "boolean"), q("continue"), q("fieldSelector"), q("labelSelector"), q("limit", "integer"), q("resourceVersion"), q("resourceVersionMatch"), q("sendInitialEvents", "boolean"), q("timeoutSeconds", "integer"), q("watch", "boolean")];
const DELETE = [q("dryRun"), q("gracePeriodSeconds", "integer"), q("orphanDependents", "boolean"), q("propagationPolicy")];
const ANY = ["*/*"];

/** The paths of one served resource with upstream's operations, actions and GVKs. */
export function pathsOf(r: ServedResource): PathEntry[] {
  const gvk = { group: r.group, version: r.version, kind: r.kind };
  const id = groupVersionId(r.group, r.version);
  const ns = r.namespaced ? "Namespaced" : "";
  const kindRef = kindDefinition(r);
  const listRef = listDefinition(r);
  const root = `/${r.group ? `apis/${r.group}` : "api"}/${r.version}`;
  const base = `${root}${r.namespaced ? "/namespaces/{namespace}" : ""}/${r.plural}`;
  const nsParam: OpParam[] = r.namespaced ? [{ name: "namespace", in: "path", type: "string", required: true }] : [];
  const nameParam: OpParam = { name: "name", in: "path", type: "string", required: true };
  const ok = (ref: string | undefined) => [{ code: "200", description: "OK", ...(ref ? { ref } : {}) }, { code: "401", description: "Unauthorized" }];
  const created = (ref: string | undefined) => [
    { code: "200", description: "OK", ...(ref ? { ref } : {}) },
    { code: "201", description: "Created", ...(ref ? { ref } : {}) },
    { code: "202", description: "Accepted", ...(ref ? { ref } : {}) },
    { code: "401", description: "Unauthorized" },
  ];
  const deleted = r.kind === "Pod" ? kindRef : STATUS;
  const has = (verb: string) => r.verbs.includes(verb);
  const op = (o: Omit<Operation, "gvk" | "consumes"> & Partial<Pick<Operation, "gvk" | "consumes">>): Operation => ({ gvk, consumes: ANY, ...o });
  const out: PathEntry[] = [];

  const collection: Operation[] = [];
  if (has("list")) collection.push(op({ method: "get", action: "list", operationId: `list${id}${ns}${r.kind}`, params: LIST, responses: ok(listRef) }));
  if (has("create")) collection.push(op({ method: "post", action: "post", operationId: `create${id}${ns}${r.kind}`, params: WRITE, body: kindRef ? { ref: kindRef } : {}, responses: created(kindRef) }));
  if (has("deletecollection")) collection.push(op({ method: "delete", action: "deletecollection", operationId: `delete${id}Collection${ns}${r.kind}`, params: [...DELETE, ...LIST], responses: ok(STATUS) }));
  if (collection.length) out.push({ path: base, params: nsParam, ops: collection });

  const item: Operation[] = [];
  if (has("get")) item.push(op({ method: "get", action: "get", operationId: `read${id}${ns}${r.kind}`, params: [], responses: ok(kindRef) }));
  if (has("update")) item.push(op({ method: "put", action: "put", operationId: `replace${id}${ns}${r.kind}`, params: WRITE, body: kindRef ? { ref: kindRef } : {}, responses: created(kindRef).filter((x) => x.code !== "202") }));
  if (has("patch")) item.push(op({ method: "patch", action: "patch", operationId: `patch${id}${ns}${r.kind}`, params: [...WRITE, q("force", "boolean")], body: {}, consumes: PATCH_TYPES, responses: created(kindRef).filter((x) => x.code !== "202") }));
  if (has("delete")) item.push(op({ method: "delete", action: "delete", operationId: `delete${id}${ns}${r.kind}`, params: DELETE, body: { ref: `${META}.DeleteOptions` }, responses: [...ok(deleted), { code: "202", description: "Accepted", ...(deleted ? { ref: deleted } : {}) }] }));
  if (item.length) out.push({ path: `${base}/{name}`, params: [nameParam, ...nsParam], ops: item });

  if (r.namespaced && has("list")) {
    out.push({ path: `${root}/${r.plural}`, params: [], ops: [op({ method: "get", action: "list", operationId: `list${id}${r.kind}ForAllNamespaces`, params: LIST, responses: ok(listRef) })] });
  }
  if (has("watch")) {
    // The deprecated /watch/ paths upstream still publishes; the watch=true list is what clients use.
    const event = `${META}.WatchEvent`;
    const watchBase = `${root}/watch${r.namespaced ? "/namespaces/{namespace}" : ""}/${r.plural}`;
    out.push({ path: watchBase, params: nsParam, ops: [op({ method: "get", action: "watchlist", operationId: `watch${id}${ns}${r.kind}List`, params: LIST, responses: ok(event) })] });
    out.push({ path: `${watchBase}/{name}`, params: [nameParam, ...nsParam], ops: [op({ method: "get", action: "watch", operationId: `watch${id}${ns}${r.kind}`, params: LIST, responses: ok(event) })] });
    if (r.namespaced) out.push({ path: `${root}/watch/${r.plural}`, params: [], ops: [op({ method: "get", action: "watchlist", operationId: `watch${id}${r.kind}ListForAllNamespaces`, params: LIST, responses: ok(event) })] });
  }
  for (const s of r.subresources) {
    if (s.name !== "status" && s.name !== "scale") continue;
    const suffix = s.name === "status" ? "Status" : "Scale";
    const ref = s.name === "status" ? kindRef : "io.k8s.api.autoscaling.v1.Scale";
    const sgvk = { group: s.group, version: s.version, kind: s.kind };
    const ops: Operation[] = [];
    if (s.verbs.includes("get")) ops.push(op({ method: "get", action: "get", gvk: sgvk, operationId: `read${id}${ns}${r.kind}${suffix}`, params: [], responses: ok(ref) }));
    if (s.verbs.includes("update")) ops.push(op({ method: "put", action: "put", gvk: sgvk, operationId: `replace${id}${ns}${r.kind}${suffix}`, params: WRITE, body: ref ? { ref } : {}, responses: created(ref).filter((x) => x.code !== "202") }));
    if (s.verbs.includes("patch")) ops.push(op({ method: "patch", action: "patch", gvk: sgvk, operationId: `patch${id}${ns}${r.kind}${suffix}`, params: [...WRITE, q("force", "boolean")], body: {}, consumes: PATCH_TYPES, responses: created(ref).filter((x) => x.code !== "202") }));
    if (ops.length) out.push({ path: `${base}/{name}/${s.name}`, params: [nameParam, ...nsParam], ops });
  }
  return out;
}

/** The tag upstream files an operation under: `core_v1`, `apps_v1`, `networking_v1`. */
export function tagOf(group: string, version: string): string {
  return `${group ? group.replace(/\.k8s\.io$/, "").replace(/[.-]/g, "_") : "core"}_${version}`;
}

/**
 * Rewrites the compact `ref` form into OpenAPI references under `base`. For Swagger 2.0
 * (`v2`), keywords it lacks are left out, as upstream publishes CRD schemas in v2.
 */
export function toOpenApi(s: Definition | undefined, base: string, v2 = false): Json {
  if (!s) return {};
  const out: Json = {};
  for (const [k, v] of Object.entries(s)) {
    if (v2 && (k === "nullable" || k === "oneOf" || k === "anyOf" || k === "not")) continue;
    if (k === "ref") out.$ref = `${base}${v as string}`;
    else if (k === "properties") out.properties = Object.fromEntries(Object.entries(v as Record<string, Definition>).map(([p, ps]) => [p, toOpenApi(ps, base, v2)]));
    else if (k === "items" || (k === "additionalProperties" && typeof v === "object")) out[k] = toOpenApi(v as Definition, base, v2);
    else out[k] = v;
  }
  return out;
}

