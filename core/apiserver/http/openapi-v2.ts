import type { ServedResource } from "../registry/served-resource.js";
import { definitionsFor, pathsOf, tagOf, toOpenApi, type Operation, type OpParam } from "./openapi-model.js";

type Json = Record<string, any>;

const PRODUCES = ["application/json", "application/yaml", "application/vnd.kubernetes.protobuf"];
/** Definitions every Swagger document of the server carries, whatever is served. */
const ALWAYS = ["APIGroup", "APIGroupList", "APIResourceList", "APIVersions", "DeleteOptions", "Patch", "Status", "WatchEvent"].map((k) => `io.k8s.apimachinery.pkg.apis.meta.v1.${k}`);

const v2Param = (p: OpParam) => ({ name: p.name, in: p.in, ...(p.required ? { required: true } : {}), type: p.type, uniqueItems: true });
const ref = (name: string) => ({ $ref: `#/definitions/${name}` });

function v2Operation(o: Operation, tag: string): Json {
  const body = o.body
    ? [{ name: "body", in: "body", ...(o.method === "delete" ? {} : { required: true }), schema: o.body.ref ? ref(o.body.ref) : { type: "object" } }]
    : [];
  return {
    consumes: o.consumes,
    operationId: o.operationId,
    ...(body.length || o.params.length ? { parameters: [...body, ...o.params.map(v2Param)] } : {}),
    produces: PRODUCES,
    responses: Object.fromEntries(o.responses.map((r) => [r.code, { description: r.description, ...(r.ref ? { schema: ref(r.ref) } : {}) }])),
    schemes: ["https"],
    tags: [tag],
    "x-kubernetes-action": o.action,
    "x-kubernetes-group-version-kind": o.gvk,
  };
}

/**
 * The Swagger 2.0 document of /openapi/v2: upstream's definition names and
 * extensions, the operations of every served resource (CRDs included) and the
 * bearer-token security scheme.
 */
export function swaggerDocument(resources: readonly ServedResource[], info: { title: string; version: string }): Json {
  const paths: Json = {};
  const sorted = [...resources].sort((a, b) => `${a.group}/${a.version}/${a.plural}`.localeCompare(`${b.group}/${b.version}/${b.plural}`));
  for (const r of sorted) {
    const tag = tagOf(r.group, r.version);
    for (const e of pathsOf(r)) {
      paths[e.path] = {
        ...Object.fromEntries(e.ops.map((o) => [o.method, v2Operation(o, tag)])),
        ...(e.params.length ? { parameters: e.params.map(v2Param) } : {}),
      };
    }
  }
  const definitions: Json = {};
  for (const [name, d] of definitionsFor(sorted, ALWAYS)) definitions[name] = toOpenApi(d, "#/definitions/", true);
  return {
    swagger: "2.0",
    info,
    paths: Object.fromEntries(Object.entries(paths).sort(([a], [b]) => a.localeCompare(b))),
    definitions,
    securityDefinitions: { BearerToken: { description: "Bearer Token authentication", in: "header", name: "authorization", type: "apiKey" } },
    security: [{ BearerToken: [] }],
  };
}
