import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ResourceCatalog } from "../../core/apiserver/registry/catalog.js";
import { servedFromCrd } from "../../core/apiserver/kinds/crds.js";
import { swaggerDocument } from "../../core/apiserver/http/openapi-v2.js";
import { encodeSwaggerProto } from "../../core/apiserver/http/openapi-v2-proto.js";
import { OpenApi } from "../../core/apiserver/http/openapi.js";
import type { KubeObj } from "../../core/apiserver/registry/strategy.js";
import { packageRoot } from "../../core/kernel/package-root.js";

const specPath = join(packageRoot(), "..", "shared", "reference", "kubernetes-1.36-openapi-v2.json");
const specPresent = existsSync(specPath);
if (!specPresent) console.log(`skipping the comparison of /openapi/v2 paths with upstream's: no spec at ${specPath}`);

const info = { title: "Kubernetes", version: "test" };

describe("/openapi/v2 document", () => {
  const doc = swaggerDocument(new ResourceCatalog().all(), info);

  it("names definitions as upstream and keeps the x-kubernetes extensions", () => {
    expect(doc.swagger).toBe("2.0");
    expect(doc.definitions["io.k8s.api.core.v1.Pod"]["x-kubernetes-group-version-kind"]).toEqual([{ group: "", kind: "Pod", version: "v1" }]);
    const containers = doc.definitions["io.k8s.api.core.v1.PodSpec"].properties.containers;
    expect(containers).toMatchObject({ type: "array", items: { $ref: "#/definitions/io.k8s.api.core.v1.Container" }, "x-kubernetes-patch-strategy": "merge", "x-kubernetes-patch-merge-key": "name", "x-kubernetes-list-type": "map", "x-kubernetes-list-map-keys": ["name"] });
    expect(doc.definitions["io.k8s.apimachinery.pkg.apis.meta.v1.DeleteOptions"]).toBeDefined();
    expect(doc.definitions["io.k8s.api.apps.v1.DeploymentList"].properties.items.items.$ref).toBe("#/definitions/io.k8s.api.apps.v1.Deployment");
    // Every reference resolves inside the document.
    const refs = JSON.stringify(doc).match(/#\/definitions\/[^"]+/g)!;
    for (const r of new Set(refs)) expect(doc.definitions[r.slice("#/definitions/".length)], r).toBeDefined();
  });

  it("lists each resource's operations with x-kubernetes-action, the GVK and fieldValidation on PATCH", () => {
    const item = doc.paths["/apis/apps/v1/namespaces/{namespace}/deployments/{name}"];
    expect(Object.keys(item).sort()).toEqual(["delete", "get", "parameters", "patch", "put"]);
    expect(item.patch).toMatchObject({ operationId: "patchAppsV1NamespacedDeployment", "x-kubernetes-action": "patch", "x-kubernetes-group-version-kind": { group: "apps", version: "v1", kind: "Deployment" } });
    expect(item.patch.parameters.map((p: any) => p.name)).toContain("fieldValidation");
    expect(doc.paths["/apis/apps/v1/namespaces/{namespace}/deployments/{name}/scale"].put["x-kubernetes-group-version-kind"]).toEqual({ group: "autoscaling", version: "v1", kind: "Scale" });
    expect(doc.paths["/api/v1/pods"].get["x-kubernetes-action"]).toBe("list");
    expect(doc.paths["/api/v1/watch/namespaces/{namespace}/pods"].get).toMatchObject({ operationId: "watchCoreV1NamespacedPodList", "x-kubernetes-action": "watchlist" });
    expect(doc.security).toEqual([{ BearerToken: [] }]);
  });

  it.skipIf(!specPresent)("offers the same methods and actions as upstream's document on every path it shares", () => {
    const spec = JSON.parse(readFileSync(specPath, "utf8"));
    let compared = 0;
    for (const [path, item] of Object.entries<any>(doc.paths)) {
      const upstream = spec.paths[path];
      expect(upstream, path).toBeDefined();
      for (const method of ["get", "put", "post", "patch", "delete"]) {
        if (!item[method]) continue;
        expect(upstream[method]?.["x-kubernetes-action"], `${method} ${path}`).toBe(item[method]["x-kubernetes-action"]);
        expect(upstream[method]["x-kubernetes-group-version-kind"], `${method} ${path}`).toEqual(item[method]["x-kubernetes-group-version-kind"]);
        expect(upstream[method].operationId, `${method} ${path}`).toBe(item[method].operationId);
        compared++;
      }
    }
    expect(compared).toBeGreaterThan(300);
  });

  it("includes a CRD's schema with its GVK and list, and drops what Swagger 2.0 cannot say", () => {
    const crd = {
      metadata: { name: "widgets.example.com" },
      spec: { group: "example.com", scope: "Namespaced", names: { plural: "widgets", kind: "Widget", listKind: "WidgetList" }, versions: [{ name: "v1", served: true, storage: true, schema: { openAPIV3Schema: { type: "object", properties: { spec: { type: "object", properties: { color: { type: "string", nullable: true } } } } } } }] },
    } as unknown as KubeObj;
    const withCrd = swaggerDocument([...new ResourceCatalog().all(), ...servedFromCrd(crd)], info);
    const def = withCrd.definitions["com.example.v1.Widget"];
    expect(def["x-kubernetes-group-version-kind"]).toEqual([{ group: "example.com", version: "v1", kind: "Widget" }]);
    expect(def.properties.metadata).toEqual({ $ref: "#/definitions/io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta" });
    expect(def.properties.spec.properties.color).toEqual({ type: "string" });
    expect(withCrd.definitions["com.example.v1.WidgetList"].properties.items.items).toEqual({ $ref: "#/definitions/com.example.v1.Widget" });
    expect(withCrd.paths["/apis/example.com/v1/namespaces/{namespace}/widgets/{name}"].patch.operationId).toBe("patchExampleComV1NamespacedWidget");
  });

  it("is rebuilt when the catalog changes, with a new ETag", () => {
    const catalog = new ResourceCatalog();
    const api = new OpenApi(catalog);
    const before = api.v2();
    expect(api.v2()).toBe(before);
    catalog.setCrd("widgets.example.com", servedFromCrd({ metadata: { name: "widgets.example.com" }, spec: { group: "example.com", scope: "Cluster", names: { plural: "widgets", kind: "Widget" }, versions: [{ name: "v1", served: true, storage: true, schema: { openAPIV3Schema: { type: "object" } } }] } } as unknown as KubeObj));
    const after = api.v2();
    expect(after.etag).not.toBe(before.etag);
    expect(JSON.parse(after.json.toString()).paths["/apis/example.com/v1/widgets"]).toBeDefined();
  });
});

describe("gnostic protobuf encoding", () => {
  it("writes gnostic's field numbers (bytes worked out by hand)", () => {
    const bytes = encodeSwaggerProto({ swagger: "2.0", info: { title: "T" }, paths: {}, definitions: { A: { type: "string" } } });
    // Schema { type (22) = TypeItem { value (1) = "string" } }: key 22<<3|2 = 178 = b2 01.
    const schema = [0xb2, 0x01, 0x08, 0x0a, 0x06, ...Buffer.from("string")];
    const named = [0x0a, 0x01, 0x41, 0x12, schema.length, ...schema];
    expect([...bytes]).toEqual([
      0x0a, 0x03, ...Buffer.from("2.0"), // swagger = 1
      0x12, 0x03, 0x0a, 0x01, 0x54, // info = 2 { title = 1 }
      0x42, 0x00, // paths = 8
      0x4a, named.length + 2, 0x0a, named.length, ...named, // definitions = 9 { additional_properties = 1 }
      0x6a, 0x00, // security_definitions = 13
    ]);
  });

  it("encodes operations, parameters, responses and extensions as YAML values", () => {
    const bytes = encodeSwaggerProto({
      swagger: "2.0",
      paths: { "/p": { patch: { operationId: "op", parameters: [{ name: "fieldValidation", in: "query", type: "string", uniqueItems: true }], responses: { "200": { description: "OK" } }, "x-kubernetes-action": "patch" } } },
    });
    const text = bytes.toString("latin1");
    // Paths (8) > NamedPathItem (2) > PathItem.patch (8) > Operation: operation_id (5), parameters (8), responses (9), vendor_extension (13).
    expect(text).toContain("\x2a\x02op");
    expect(text).toContain("\x22\x0ffieldValidation");
    expect(text).toContain("\x0a\x13x-kubernetes-action\x12\x09\x12\x07\"patch\"");
    expect(text).toContain("\x0a\x03200");
  });
});
