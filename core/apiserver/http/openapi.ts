import { createHash } from "node:crypto";
import { gzipSync } from "node:zlib";
import type { ResourceCatalog } from "../registry/catalog.js";
import { definitionsFor, pathsOf, toOpenApi, type Operation, type OpParam, type PathEntry } from "./openapi-model.js";
import { swaggerDocument } from "./openapi-v2.js";
import { encodeSwaggerProto } from "./openapi-v2-proto.js";

type Json = Record<string, unknown>;

export const OPENAPI_INFO = { title: "Kubernetes", version: "v1.32.4-kitbash" };

const v3Param = (p: OpParam) => ({ name: p.name, in: p.in, ...(p.required ? { required: true } : {}), schema: { type: p.type, uniqueItems: true } });
const v3Schema = (ref: string | undefined) => (ref ? { $ref: `#/components/schemas/${ref}` } : { type: "object" });

function v3Operation(o: Operation): Json {
  return {
    operationId: o.operationId,
    "x-kubernetes-action": o.action,
    "x-kubernetes-group-version-kind": o.gvk,
    ...(o.params.length ? { parameters: o.params.map(v3Param) } : {}),
    ...(o.body && o.method !== "delete" ? { requestBody: { content: Object.fromEntries((o.method === "patch" ? o.consumes : ["application/json"]).map((t) => [t, { schema: v3Schema(o.body!.ref) }])) } } : {}),
    responses: Object.fromEntries(o.responses.map((r) => [r.code, { description: r.description, ...(r.ref ? { content: { "application/json": { schema: v3Schema(r.ref) } } } : {}) }])),
  };
}

function v3Paths(entries: PathEntry[]): Json {
  return Object.fromEntries(entries.map((e) => [e.path, { ...(e.params.length ? { parameters: e.params.map(v3Param) } : {}), ...Object.fromEntries(e.ops.map((o) => [o.method, v3Operation(o)])) }]));
}

const hashOf = (text: string | Buffer) => createHash("sha512").update(text).digest("hex").toUpperCase();

/** The Swagger 2.0 document in each form it is served in, with the ETag they share (as upstream's). */
export interface SwaggerForms {
  etag: string;
  json: Buffer;
  proto: Buffer;
  gzip: { json: Buffer; proto: Buffer };
}

/**
 * The OpenAPI documents: /openapi/v3 (an index of group-versions pointing at
 * hash-stamped documents, upstream's layout) and /openapi/v2 (one Swagger 2.0 document
 * of everything served). Both are built on first request and rebuilt after CRDs change.
 */
export class OpenApi {
  private docs = new Map<string, { text: string; hash: string }>();
  private swagger: SwaggerForms | undefined;

  constructor(private readonly catalog: ResourceCatalog) {
    catalog.onChange(() => {
      this.docs.clear();
      this.swagger = undefined;
    });
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
    const schemas: Json = {};
    for (const [name, d] of definitionsFor(resources)) schemas[name] = toOpenApi(d, "#/components/schemas/");
    const paths = v3Paths(resources.flatMap(pathsOf).sort((a, b) => a.path.localeCompare(b.path)));
    const doc = { openapi: "3.0.0", info: OPENAPI_INFO, paths, components: { schemas } };
    const text = JSON.stringify(doc);
    const entry = { text, hash: hashOf(text).slice(0, 128) };
    this.docs.set(key, entry);
    return entry;
  }

  /** /openapi/v2 as JSON and as gnostic protobuf, gzipped too, built once per catalog state. */
  v2(): SwaggerForms {
    if (this.swagger) return this.swagger;
    const doc = swaggerDocument(this.catalog.all(), OPENAPI_INFO);
    const json = Buffer.from(JSON.stringify(doc));
    const proto = encodeSwaggerProto(doc);
    this.swagger = { etag: hashOf(json), json, proto, gzip: { json: gzipSync(json), proto: gzipSync(proto) } };
    return this.swagger;
  }
}
