import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { request } from "node:https";
import { readFileSync } from "node:fs";
import { gunzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startCluster, type Cluster } from "../support/cluster.js";
import { partAvailable } from "../support/parts.js";
import { clientVersion, runKubectl, versionedKubectl } from "../support/kubectl-versions.js";

const OLDEST = 27;
const kubectl127 = versionedKubectl(OLDEST);
const missing = !partAvailable(`kubectl.1.${OLDEST}`, !!kubectl127, "the machine image (versioned kubectl binaries beside kubectl)");
const PROTO = "application/com.github.proto-openapi.spec.v2@v1.0+protobuf";

/** A raw HTTPS GET returning bytes (Cluster.api decodes text). */
function getBytes(c: Cluster, path: string, headers: Record<string, string>): Promise<{ status: number; body: Buffer; headers: Record<string, string | string[] | undefined> }> {
  const pki = join(c.dataDir, "pki");
  const tls = { ca: readFileSync(join(pki, "ca.crt")), cert: readFileSync(join(pki, "admin.crt")), key: readFileSync(join(pki, "admin.key")) };
  return new Promise((resolve, reject) => {
    const req = request(new URL(path, c.url), { ...tls, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (d: Buffer) => chunks.push(d));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks), headers: res.headers }));
    });
    req.on("error", reject);
    req.end();
  });
}

const CRD = `apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: {name: gadgets.example.com}
spec:
  group: example.com
  scope: Namespaced
  names: {plural: gadgets, singular: gadget, kind: Gadget}
  versions:
  - name: v1
    served: true
    storage: true
    schema:
      openAPIV3Schema:
        type: object
        properties:
          spec:
            type: object
            required: [size]
            properties:
              size: {type: integer, minimum: 1}
              color: {type: string, nullable: true}
`;

const deployment = (image: string, sidecar: boolean) => `apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: default}
spec:
  replicas: 1
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers:
      - name: app
        image: ${image}
${sidecar ? "      - name: side\n        image: busybox\n" : ""}`;

describe.skipIf(missing)(`/openapi/v2 with the oldest kubectl (1.${OLDEST}), which reads it as protobuf`, () => {
  let c: Cluster;
  const dir = mkdtempSync(join(tmpdir(), "kitbash-openapi-v2-"));
  const old = (args: string[], input?: string) => runKubectl(kubectl127!, c.kubeconfig, args, input === undefined ? {} : { input });
  beforeAll(async () => {
    c = await startCluster(dir, ["--profile", "control-plane"]);
  });
  afterAll(async () => {
    await c?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it("is the binary it claims to be", () => {
    expect(clientVersion(kubectl127!)).toMatch(new RegExp(`^v1\\.${OLDEST}\\.`));
  });

  it("answers JSON, gnostic protobuf and gzip, with a shared ETag, 304 and 406 as upstream", async () => {
    const json = await getBytes(c, "/openapi/v2", { Accept: "application/json" });
    expect(json.status).toBe(200);
    expect(json.headers["content-type"]).toBe("application/json");
    const doc = JSON.parse(json.body.toString());
    expect(doc.swagger).toBe("2.0");
    expect(doc.definitions["io.k8s.api.core.v1.Pod"]["x-kubernetes-group-version-kind"]).toEqual([{ group: "", kind: "Pod", version: "v1" }]);
    const etag = json.headers.etag as string;
    expect(etag).toMatch(/^"[0-9A-F]{128}"$/);

    const proto = await getBytes(c, "/openapi/v2", { Accept: PROTO, "Accept-Encoding": "gzip" });
    expect(proto.status).toBe(200);
    expect(proto.headers["content-type"]).toBe("application/com.github.proto-openapi.spec.v2.v1.0+protobuf");
    expect(proto.headers["content-encoding"]).toBe("gzip");
    expect(proto.headers.etag).toBe(etag);
    const bytes = gunzipSync(proto.body);
    // Document.swagger (field 1) comes first: "2.0".
    expect([...bytes.subarray(0, 5)]).toEqual([0x0a, 0x03, 0x32, 0x2e, 0x30]);
    expect(bytes.length).toBeLessThan(json.body.length);

    expect((await getBytes(c, "/openapi/v2", { Accept: PROTO, "If-None-Match": etag })).status).toBe(304);
    expect((await getBytes(c, "/openapi/v2", { Accept: "text/html" })).status).toBe(406);
  });

  it("explains from the v2 protobuf document (kubectl 1.27 --output=plaintext-openapiv2) and from the default", async () => {
    const v2 = await old(["explain", "pods.spec.containers", "--output=plaintext-openapiv2"]);
    expect(v2.stderr).toBe("");
    expect(v2.stdout).toMatch(/^KIND:\s+Pod\nVERSION:\s+v1\n\nRESOURCE: containers <\[\]Object>/);
    expect(v2.stdout).toMatch(/\n {3}name\t<string> -required-\n/);
    const byDefault = await old(["explain", "pods.spec"]);
    expect(byDefault.stderr).toBe("");
    expect(byDefault.stdout).toContain("containers\t<[]Container> -required-");
  });

  it("applies with validation and re-applies an edit as a strategic merge patch", async () => {
    const first = await old(["apply", "-f", "-"], deployment("nginx:1.25", true));
    expect(first.stderr).toBe("");
    expect(first.stdout).toBe("deployment.apps/web created\n");
    const edit = await old(["apply", "-f", "-"], deployment("nginx:1.26", false));
    expect(edit.stdout).toBe("deployment.apps/web configured\n");
    const images = await old(["get", "deployment", "web", "-o", "jsonpath={.spec.template.spec.containers[*].name}={.spec.template.spec.containers[*].image}"]);
    expect(images.stdout).toBe("app=nginx:1.26");
    const unknown = await old(["apply", "-f", "-"], deployment("nginx:1.26", false).replace("replicas: 1", "replicas: 1\n  replicaz: 2"));
    expect(unknown.code).not.toBe(0);
    expect(unknown.stderr).toContain('unknown field "spec.replicaz"');
  });

  it("includes CRD schemas as they come and go", async () => {
    const before = (await getBytes(c, "/openapi/v2", { Accept: "application/json" })).headers.etag;
    expect((await old(["apply", "-f", "-"], CRD)).stdout).toBe("customresourcedefinition.apiextensions.k8s.io/gadgets.example.com created\n");
    let explained = { code: 1, stdout: "", stderr: "" };
    for (let i = 0; i < 30 && explained.code !== 0; i++) {
      explained = await old(["explain", "gadgets.spec", "--output=plaintext-openapiv2"]);
      if (explained.code !== 0) await new Promise((r) => setTimeout(r, 200));
    }
    expect(explained.stdout).toMatch(/KIND:\s+Gadget\nVERSION:\s+example\.com\/v1/);
    expect(explained.stdout).toMatch(/size\t<integer> -required-/);
    const withCrd = await getBytes(c, "/openapi/v2", { Accept: "application/json" });
    expect(withCrd.headers.etag).not.toBe(before);
    expect(JSON.parse(withCrd.body.toString()).definitions["com.example.v1.Gadget"]["x-kubernetes-group-version-kind"]).toEqual([{ group: "example.com", version: "v1", kind: "Gadget" }]);

    expect((await old(["delete", "crd", "gadgets.example.com"])).code).toBe(0);
    let gone = false;
    for (let i = 0; i < 30 && !gone; i++) {
      gone = !JSON.parse((await getBytes(c, "/openapi/v2", { Accept: "application/json" })).body.toString()).definitions["com.example.v1.Gadget"];
      if (!gone) await new Promise((r) => setTimeout(r, 100));
    }
    expect(gone).toBe(true);
  });
});
