import { createHash } from "node:crypto";
import { definition, type DefinitionSchema } from "../../api/schema/kubernetes-schemas.js";
import type { ResourceCatalog } from "../registry/catalog.js";
import type { ServedResource } from "../registry/served-resource.js";

type Json = Record<string, unknown>;

/** Rewrites the compact `ref` form into OpenAPI v3 component references. */
function toV3(s: DefinitionSchema | undefined): Json {
  if (!s) return {};
  const out: Json = {};
  for (const [k, v] of Object.entries(s)) {
    if (k === "ref") out.$ref = `#/components/schemas/${v as string}`;
    else if (k === "properties") out.properties = Object.fromEntries(Object.entries(v as Record<string, DefinitionSchema>).map(([p, ps]) => [p, toV3(ps)]));
    else if (k === "items" || (k === "additionalProperties" && typeof v === "object")) out[k] = toV3(v as DefinitionSchema);
    else out[k] = v;
  }
  return out;
}

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

const PATCH_TYPES = ["application/json-patch+json", "application/merge-patch+json", "application/strategic-merge-patch+json", "application/apply-patch+yaml"];

const param = (name: string, type = "string") => ({ name, in: "query", schema: { type, uniqueItems: true } });

/** The operations kubectl reads: above all PATCH with the GVK and fieldValidation, which turns on server-side validation. */
function pathsFor(r: ServedResource): Json {
  const gvk = { group: r.group, version: r.version, kind: r.kind };
  const ref = r.definition ? { $ref: `#/components/schemas/${r.definition}` } : { type: "object" };
  const base = `/${r.group ? `apis/${r.group}` : "api"}/${r.version}${r.namespaced ? "/namespaces/{namespace}" : ""}/${r.plural}`;
  const pathParams = [...(r.namespaced ? [{ name: "namespace", in: "path", required: true, schema: { type: "string" } }] : [])];
  const ok = { "200": { description: "OK", content: { "application/json": { schema: ref } } } };
  const op = (action: string, extra: Json = {}) => ({ "x-kubernetes-action": action, "x-kubernetes-group-version-kind": gvk, responses: ok, ...extra });
  const write = [param("dryRun"), param("fieldManager"), param("fieldValidation")];
  const item: Json = {
    parameters: [...pathParams, { name: "name", in: "path", required: true, schema: { type: "string" } }],
    get: op("get"),
    put: op("put", { parameters: write, requestBody: { content: { "application/json": { schema: ref } } } }),
    patch: op("patch", { parameters: [...write, param("force", "boolean")], requestBody: { content: Object.fromEntries(PATCH_TYPES.map((t) => [t, { schema: { type: "object" } }])) } }),
    delete: op("delete", { parameters: [param("dryRun"), param("gracePeriodSeconds", "integer"), param("propagationPolicy")] }),
  };
  const collection: Json = { parameters: pathParams, get: op("list"), post: op("post", { parameters: write, requestBody: { content: { "application/json": { schema: ref } } } }) };
  return { [base]: collection, [`${base}/{name}`]: item };
}

/**
 * /openapi/v3: an index of group-versions pointing at hash-stamped documents, each
 * with the paths and component schemas of its resources (upstream's layout).
 */
export class OpenApiV3 {
  private docs = new Map<string, { text: string; hash: string }>();

  constructor(private readonly catalog: ResourceCatalog) {
    catalog.onChange(() => this.docs.clear());
  }

  private key(group: string, version: string): string {
    return group ? `apis/${group}/${version}` : `api/${version}`;
  }

  index(): Json {
    const paths: Json = {};
    for (const [group, versions] of this.catalog.groups()) {
      for (const v of versions) {
        const k = this.key(group, v);
        const doc = this.document(k);
        if (doc) paths[k] = { serverRelativeURL: `/openapi/v3/${k}?hash=${doc.hash}` };
      }
    }
    return { paths };
  }

  document(key: string): { text: string; hash: string } | undefined {
    const cached = this.docs.get(key);
    if (cached) return cached;
    const m = /^(?:api\/(v[^/]+)|apis\/([^/]+)\/(v[^/]+))$/.exec(key);
    if (!m) return undefined;
    const group = m[2] ?? "";
    const version = m[1] ?? m[3]!;
    const resources = this.catalog.inGroupVersion(group, version);
    if (!resources.length) return undefined;
    const names = new Set<string>();
    const schemas: Json = {};
    for (const r of resources) {
      if (r.definition) {
        names.add(r.definition);
        refsOf(definition(r.definition), names);
      } else if (r.crd?.schema) {
        // CRD kinds carry their own structural schema, marked with their GVK.
        const name = `${r.group.split(".").reverse().join(".")}.${r.version}.${r.kind}`;
        schemas[name] = { ...r.crd.schema, "x-kubernetes-group-version-kind": [{ group: r.group, version: r.version, kind: r.kind }] };
      }
    }
    for (const n of [...names].sort()) schemas[n] = toV3(definition(n));
    const paths = Object.assign({}, ...resources.map(pathsFor));
    const doc = { openapi: "3.0.0", info: { title: "Kubernetes", version: "v1.32.4-kitbash" }, paths, components: { schemas } };
    const text = JSON.stringify(doc);
    const hash = createHash("sha512").update(text).digest("hex").slice(0, 128).toUpperCase();
    const entry = { text, hash };
    this.docs.set(key, entry);
    return entry;
  }
}


