import { spawn } from "node:child_process";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { hasKubectl, startCluster, type Cluster } from "../support/cluster.js";
import { tempDir } from "../support/temp.js";
import { partAvailable } from "../support/parts.js";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";

const kubectlMissing = !partAvailable("kubectl", hasKubectl(), "the machine image (kubectl v1.32 on PATH)");

describe.skipIf(kubectlMissing)("API server with the real kubectl (control-plane profile)", () => {
  let c: Cluster;
  const dir = mkdtempSync(join(tmpdir(), "kitbash-e2e-"));
  beforeAll(async () => {
    c = await startCluster(dir, ["--profile", "control-plane"]);
  });
  afterAll(async () => {
    await c?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it("lists the system namespaces created at start", async () => {
    const r = await c.kubectl(["get", "namespaces", "-o", "name"]);
    expect(r.stderr).toBe("");
    expect(r.stdout.trim().split("\n").sort()).toEqual(["namespace/default", "namespace/kube-node-lease", "namespace/kube-public", "namespace/kube-system"]);
    const svc = await c.kubectl(["get", "service", "kubernetes", "-o", "jsonpath={.spec.clusterIP}"]);
    expect(svc.stdout).toBe("10.96.0.1");
  });

  it("creates a namespace, a config map and a secret with kubectl's protobuf bodies, reads and deletes them", async () => {
    expect((await c.kubectl(["create", "namespace", "demo"])).stdout).toBe("namespace/demo created\n");
    expect((await c.kubectl(["-n", "demo", "create", "configmap", "app", "--from-literal=color=blue", "--from-literal=size=L"])).stdout).toBe("configmap/app created\n");
    expect((await c.kubectl(["-n", "demo", "create", "secret", "generic", "pw", "--from-literal=password=s3cret"])).stdout).toBe("secret/pw created\n");
    const cm = parse((await c.kubectl(["-n", "demo", "get", "configmap", "app", "-o", "yaml"])).stdout);
    expect(cm).toMatchObject({ apiVersion: "v1", kind: "ConfigMap", data: { color: "blue", size: "L" }, metadata: { name: "app", namespace: "demo" } });
    expect(cm.metadata.uid).toMatch(/^[0-9a-f-]{36}$/);
    expect(cm.metadata.creationTimestamp).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    expect(cm.metadata.generateName).toBeUndefined();
    const secret = parse((await c.kubectl(["-n", "demo", "get", "secret", "pw", "-o", "yaml"])).stdout);
    expect(Buffer.from(secret.data.password, "base64").toString()).toBe("s3cret");
    expect(secret.type).toBe("Opaque");
    expect((await c.kubectl(["-n", "demo", "delete", "configmap", "app"])).stdout).toBe('configmap "app" deleted\n');
    const gone = await c.kubectl(["-n", "demo", "get", "configmap", "app"]);
    expect(gone.code).not.toBe(0);
    expect(gone.stderr).toContain('Error from server (NotFound): configmaps "app" not found');
    const again = await c.kubectl(["create", "namespace", "demo"]);
    expect(again.stderr).toContain('Error from server (AlreadyExists): namespaces "demo" already exists');
  });

  it("streams ADDED, MODIFIED and DELETED to curl holding the admin certificate", async () => {
    await c.kubectl(["create", "namespace", "watched"]);
    const pki = join(c.dataDir, "pki");
    const curl = spawn("curl", ["-sN", "--cacert", join(pki, "ca.crt"), "--cert", join(pki, "admin.crt"), "--key", join(pki, "admin.key"), `${c.url}/api/v1/namespaces/watched/configmaps?watch=true&timeoutSeconds=10&fieldSelector=metadata.name%3Dw`]);
    let out = "";
    curl.stdout.on("data", (d) => (out += d));
    await new Promise((r) => setTimeout(r, 500));
    await c.kubectl(["-n", "watched", "create", "configmap", "w", "--from-literal=a=1"]);
    await c.kubectl(["-n", "watched", "label", "configmap", "w", "tier=web"]);
    await c.kubectl(["-n", "watched", "delete", "configmap", "w"]);
    const deadline = Date.now() + 5000;
    while (!out.includes('"DELETED"') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    curl.kill();
    const events = out.trim().split("\n").map((l) => JSON.parse(l));
    expect(events.map((e) => e.type)).toEqual(["ADDED", "MODIFIED", "DELETED"]);
    expect(events[1].object.metadata.labels).toEqual({ tier: "web" });
    const rvs = events.map((e) => Number(e.object.metadata.resourceVersion));
    expect(rvs[0]).toBeLessThan(rvs[1]);
    expect(rvs[1]).toBeLessThan(rvs[2]);
  });

  it("loses no update: 20 clients x 50 read-modify-write increments end at 1000", async () => {
    await c.api("POST", "/api/v1/namespaces/default/configmaps", JSON.stringify({ metadata: { name: "counter", annotations: { n: "0" } } }));
    let conflicts = 0;
    const client = async () => {
      for (let i = 0; i < 50; ) {
        const cur = JSON.parse((await c.api("GET", "/api/v1/namespaces/default/configmaps/counter")).body);
        cur.metadata.annotations.n = String(Number(cur.metadata.annotations.n) + 1);
        const r = await c.api("PUT", "/api/v1/namespaces/default/configmaps/counter", JSON.stringify(cur));
        if (r.status === 409) {
          conflicts++;
          continue;
        }
        expect(r.status).toBe(200);
        i++;
      }
    };
    await Promise.all(Array.from({ length: 20 }, client));
    const final = JSON.parse((await c.api("GET", "/api/v1/namespaces/default/configmaps/counter")).body);
    expect(final.metadata.annotations.n).toBe("1000");
    expect(conflicts).toBeGreaterThan(0);
  }, 120_000);

  describe("bad input gets the right Status and stores nothing", () => {
    const path = "/api/v1/namespaces/default/configmaps";
    const count = async () => JSON.parse((await c.api("GET", path)).body).items.length;
    const cases: { name: string; method?: string; path?: string; body: string | Buffer; type?: string; code: number; reason: string; message?: RegExp }[] = [
      { name: "malformed JSON", body: '{"metadata": {"name": "x"', code: 400, reason: "BadRequest" },
      { name: "malformed YAML", body: "metadata: {name: [x\n", type: "application/yaml", code: 400, reason: "BadRequest" },
      { name: "a wrong type", body: JSON.stringify({ metadata: { name: "x" }, data: { a: 1 } }), code: 400, reason: "BadRequest", message: /cannot unmarshal number/ },
      { name: "an invalid name", body: JSON.stringify({ metadata: { name: "Not_Valid" } }), code: 422, reason: "Invalid", message: /metadata.name: Invalid value: "Not_Valid"/ },
      { name: "a missing name", body: JSON.stringify({ metadata: {} }), code: 422, reason: "Invalid", message: /name or generateName is required/ },
      { name: "an unknown field under Strict", path: `${path}?fieldValidation=Strict`, body: JSON.stringify({ metadata: { name: "x" }, bogus: 1 }), code: 400, reason: "BadRequest", message: /unknown field "bogus"/ },
      { name: "a body over 3 MiB", body: JSON.stringify({ metadata: { name: "big" }, data: { a: "x".repeat(3 * 1024 * 1024 + 10) } }), code: 413, reason: "RequestEntityTooLarge" },
      { name: "a kind that does not match", body: JSON.stringify({ apiVersion: "v1", kind: "Secret", metadata: { name: "x" } }), code: 400, reason: "BadRequest" },
      { name: "an unknown resource", path: "/api/v1/namespaces/default/widgets", body: "{}", code: 404, reason: "NotFound" },
      { name: "an unknown group", path: "/apis/acme.example/v1/things", body: "{}", code: 404, reason: "NotFound" },
      { name: "an unsupported verb", method: "PUT", path: path, body: "{}", code: 405, reason: "MethodNotAllowed" },
      { name: "an unsupported media type", body: "x", type: "text/csv", code: 415, reason: "UnsupportedMediaType" },
      { name: "a missing namespace", path: "/api/v1/namespaces/nope/configmaps", body: JSON.stringify({ metadata: { name: "x" } }), code: 404, reason: "NotFound", message: /namespaces "nope" not found/ },
    ];
    for (const t of cases) {
      it(`answers ${t.code} ${t.reason} for ${t.name}`, async () => {
        const before = await count();
        const r = await c.api(t.method ?? "POST", t.path ?? path, t.body, { "Content-Type": t.type ?? "application/json" });
        expect(r.status).toBe(t.code);
        const status = JSON.parse(r.body);
        expect(status).toMatchObject({ kind: "Status", apiVersion: "v1", status: "Failure", reason: t.reason, code: t.code });
        if (t.message) expect(status.message).toMatch(t.message);
        expect(await count()).toBe(before);
      });
    }

    it("answers 409 Conflict for a stale resourceVersion and keeps the newer object", async () => {
      const created = JSON.parse((await c.api("POST", path, JSON.stringify({ metadata: { name: "stale" }, data: { v: "1" } }))).body);
      await c.api("PUT", `${path}/stale`, JSON.stringify({ ...created, data: { v: "2" } }));
      const r = await c.api("PUT", `${path}/stale`, JSON.stringify({ ...created, data: { v: "3" } }));
      expect(r.status).toBe(409);
      expect(JSON.parse(r.body).message).toBe('Operation cannot be fulfilled on configmaps "stale": the object has been modified; please apply your changes to the latest version and try again');
      expect(JSON.parse((await c.api("GET", `${path}/stale`)).body).data.v).toBe("2");
    });
  });

  it("serves a CustomResourceDefinition's resource as soon as it is created, checked by its schema", async () => {
    const crd = {
      apiVersion: "apiextensions.k8s.io/v1",
      kind: "CustomResourceDefinition",
      metadata: { name: "widgets.acme.example" },
      spec: {
        group: "acme.example",
        scope: "Namespaced",
        names: { plural: "widgets", singular: "widget", kind: "Widget", shortNames: ["wg"] },
        versions: [
          {
            name: "v1",
            served: true,
            storage: true,
            subresources: { status: {}, scale: { specReplicasPath: ".spec.size", statusReplicasPath: ".status.size" } },
            schema: { openAPIV3Schema: { type: "object", properties: { spec: { type: "object", properties: { size: { type: "integer", minimum: 0 }, color: { type: "string" } } }, status: { type: "object", properties: { size: { type: "integer" } } } } } },
          },
        ],
      },
    };
    // Client-side validation needs the OpenAPI documents the kubectl-compatibility work serves.
    const made = await c.kubectl(["create", "--validate=false", "-f", "-"], { input: JSON.stringify(crd) });
    expect(made.stdout).toBe("customresourcedefinition.apiextensions.k8s.io/widgets.acme.example created\n");
    const w = { apiVersion: "acme.example/v1", kind: "Widget", metadata: { name: "w1", namespace: "default" }, spec: { size: 2, color: "red", bogus: true } };
    expect((await c.kubectl(["create", "--validate=false", "-f", "-"], { input: JSON.stringify(w) })).stdout).toBe("widget.acme.example/w1 created\n");
    const got = JSON.parse((await c.kubectl(["get", "wg", "w1", "-o", "json"])).stdout);
    expect(got.spec).toEqual({ size: 2, color: "red" });
    const bad = await c.api("POST", "/apis/acme.example/v1/namespaces/default/widgets", JSON.stringify({ ...w, metadata: { name: "w2" }, spec: { size: -1 } }));
    expect(bad.status).toBe(422);
    expect(JSON.parse(bad.body).message).toContain("spec.size");
    const scaled = await c.kubectl(["scale", "widget/w1", "--replicas=5"]);
    expect(scaled.stdout).toBe("widget.acme.example/w1 scaled\n");
    expect(JSON.parse((await c.api("GET", "/apis/acme.example/v1/namespaces/default/widgets/w1")).body).spec.size).toBe(5);
  });

  it("answers aggregated discovery in the form kubectl asks for first, and legacy discovery otherwise", async () => {
    const accept = "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList,application/json";
    const agg = await c.api("GET", "/apis", undefined, { Accept: accept });
    expect(agg.headers["content-type"]).toBe("application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList");
    const apps = JSON.parse(agg.body).items.find((g: any) => g.metadata.name === "apps");
    const deploy = apps.versions[0].resources.find((r: any) => r.resource === "deployments");
    expect(deploy).toMatchObject({ scope: "Namespaced", singularResource: "deployment", shortNames: ["deploy"], categories: ["all"], responseKind: { group: "apps", version: "v1", kind: "Deployment" } });
    expect(deploy.subresources.find((s: any) => s.subresource === "scale").responseKind).toEqual({ group: "autoscaling", version: "v1", kind: "Scale" });
    const legacy = JSON.parse((await c.api("GET", "/apis", undefined, { Accept: "application/json" })).body);
    expect(legacy.kind).toBe("APIGroupList");
    const r = await c.kubectl(["api-resources"]);
    expect(r.stdout).toMatch(/^deployments\s+deploy\s+apps\/v1\s+true\s+Deployment$/m);
    expect(r.stdout).toMatch(/^pods\s+po\s+v1\s+true\s+Pod$/m);
  });

  it("prints tables server-side: upstream's columns, -o wide, --show-labels, -A, and watch rows", async () => {
    await c.kubectl(["create", "namespace", "tables"]);
    await c.kubectl(["-n", "tables", "create", "configmap", "t1", "--from-literal=a=1", "--from-literal=b=2"]);
    const ns = await c.kubectl(["get", "namespace", "tables"]);
    expect(ns.stdout).toMatch(/^NAME\s+STATUS\s+AGE\ntables\s+Active\s+\d+s\n$/);
    // By name: the namespace also holds the kube-root-ca.crt every namespace gets.
    const cm = await c.kubectl(["-n", "tables", "get", "configmaps", "t1", "--show-labels"]);
    expect(cm.stdout).toMatch(/^NAME\s+DATA\s+AGE\s+LABELS\nt1\s+2\s+\d+s\s+<none>\n$/);
    const svc = await c.kubectl(["get", "services", "-A", "-o", "wide"]);
    expect(svc.stdout).toMatch(/^NAMESPACE\s+NAME\s+TYPE\s+CLUSTER-IP\s+EXTERNAL-IP\s+PORT\(S\)\s+AGE\s+SELECTOR\n/);
    expect(svc.stdout).toMatch(/\ndefault\s+kubernetes\s+ClusterIP\s+10\.96\.0\.1\s+<none>\s+443\/TCP\s+\S+\s+<none>\n/);
    const watch = c.kubectl(["-n", "tables", "get", "configmaps", "-w", "--request-timeout=4s"]);
    await new Promise((r) => setTimeout(r, 800));
    await c.kubectl(["-n", "tables", "create", "configmap", "t2", "--from-literal=a=1"]);
    const w = await watch;
    expect(w.stdout.split("\n").filter((l) => l.startsWith("NAME"))).toHaveLength(1);
    expect(w.stdout).toMatch(/\nt2\s+1\s+\d+s\n/);
  });

  it("runs dryRun=All through everything but the write", async () => {
    const path = "/api/v1/namespaces/default/configmaps";
    const made = await c.api("POST", `${path}?dryRun=All`, JSON.stringify({ metadata: { name: "dry" }, data: { a: "1" } }));
    expect(made.status).toBe(201);
    expect(JSON.parse(made.body).metadata.uid).toBeDefined();
    expect((await c.api("GET", `${path}/dry`)).status).toBe(404);
    const invalid = await c.api("POST", `${path}?dryRun=All`, JSON.stringify({ metadata: { name: "Bad_Name" } }));
    expect(invalid.status).toBe(422);
    await c.api("POST", path, JSON.stringify({ metadata: { name: "wet" }, data: { a: "1" } }));
    const patched = await c.api("PATCH", `${path}/wet?dryRun=All`, JSON.stringify({ data: { a: "2" } }), { "Content-Type": "application/merge-patch+json" });
    expect(JSON.parse(patched.body).data.a).toBe("2");
    expect(JSON.parse((await c.api("GET", `${path}/wet`)).body).data.a).toBe("1");
    expect((await c.api("DELETE", `${path}/wet?dryRun=All`)).status).toBe(200);
    expect((await c.api("GET", `${path}/wet`)).status).toBe(200);
    const svc = await c.api("POST", "/api/v1/namespaces/default/services?dryRun=All", JSON.stringify({ metadata: { name: "dry-svc" }, spec: { ports: [{ port: 80 }] } }));
    expect(JSON.parse(svc.body).spec.clusterIP).toMatch(/^10\.96\./);
    // The dry run claimed nothing: the same IP can be asked for for real.
    const ip = JSON.parse(svc.body).spec.clusterIP;
    const real = await c.api("POST", "/api/v1/namespaces/default/services", JSON.stringify({ metadata: { name: "real-svc" }, spec: { clusterIP: ip, ports: [{ port: 80 }] } }));
    expect(real.status).toBe(201);
  });

  it("serves OpenAPI v3 so kubectl apply, create -f and explain work with server-side validation", async () => {
    const deploy = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  replicas: 2\n  selector:\n    matchLabels: {app: web}\n  template:\n    metadata:\n      labels: {app: web}\n    spec:\n      containers:\n      - name: nginx\n        image: nginx:1.27\n";
    const applied = await c.kubectl(["apply", "-f", "-"], { input: deploy });
    expect(applied.stderr).toBe("");
    expect(applied.stdout).toBe("deployment.apps/web created\n");
    const got = JSON.parse((await c.kubectl(["get", "deployment", "web", "-o", "json"])).stdout);
    expect(got.spec).toMatchObject({ replicas: 2, revisionHistoryLimit: 10, progressDeadlineSeconds: 600, strategy: { type: "RollingUpdate", rollingUpdate: { maxSurge: "25%", maxUnavailable: "25%" } } });
    expect(got.metadata.annotations["kubectl.kubernetes.io/last-applied-configuration"]).toContain('"replicas":2');
    const strict = await c.kubectl(["create", "-f", "-"], { input: "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: strict}\nbogus: 1\n" });
    expect(strict.stderr).toContain('strict decoding error: unknown field "bogus"');
    const explain = await c.kubectl(["explain", "deployment.spec.replicas"]);
    expect(explain.stdout).toMatch(/KIND:\s+Deployment/);
    expect(explain.stdout).toMatch(/FIELD: replicas <integer>/);
    const index = JSON.parse((await c.api("GET", "/openapi/v3")).body);
    const url = index.paths["apis/apps/v1"].serverRelativeURL;
    const doc = JSON.parse((await c.api("GET", url)).body);
    const patch = doc.paths["/apis/apps/v1/namespaces/{namespace}/deployments/{name}"].patch;
    expect(patch["x-kubernetes-group-version-kind"]).toEqual({ group: "apps", version: "v1", kind: "Deployment" });
    expect(patch.parameters.map((p: any) => p.name)).toContain("fieldValidation");
    expect(doc.components.schemas["io.k8s.api.core.v1.PodSpec"].properties.containers["x-kubernetes-patch-merge-key"]).toBe("name");
  });

  it("re-applies with strategic merge patches: an edit lands, a removed field is pruned, patch and set image work", async () => {
    const manifest = (replicas: number, extra: string) =>
      `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: smp\n  labels: {app: smp${extra}}\nspec:\n  replicas: ${replicas}\n  selector:\n    matchLabels: {app: smp}\n  template:\n    metadata:\n      labels: {app: smp}\n    spec:\n      containers:\n      - name: web\n        image: nginx:1.27\n`;
    expect((await c.kubectl(["apply", "-f", "-"], { input: manifest(1, ", tier: front") })).stdout).toBe("deployment.apps/smp created\n");
    const again = await c.kubectl(["apply", "-f", "-"], { input: manifest(3, "") });
    expect(again.stderr).toBe("");
    expect(again.stdout).toBe("deployment.apps/smp configured\n");
    let d = JSON.parse((await c.kubectl(["get", "deploy", "smp", "-o", "json"])).stdout);
    expect(d.spec.replicas).toBe(3);
    expect(d.metadata.labels).toEqual({ app: "smp" });
    expect((await c.kubectl(["apply", "-f", "-"], { input: manifest(3, "") })).stdout).toBe("deployment.apps/smp unchanged\n");
    const patched = await c.kubectl(["patch", "deploy", "smp", "-p", '{"spec":{"template":{"spec":{"containers":[{"name":"side","image":"busybox:1"}]}}}}']);
    expect(patched.stdout).toBe("deployment.apps/smp patched\n");
    expect((await c.kubectl(["set", "image", "deploy/smp", "web=nginx:1.28"])).stdout).toBe("deployment.apps/smp image updated\n");
    d = JSON.parse((await c.kubectl(["get", "deploy", "smp", "-o", "json"])).stdout);
    expect(d.spec.template.spec.containers.map((x: any) => `${x.name}=${x.image}`)).toEqual(["web=nginx:1.28", "side=busybox:1"]);
    expect(d.metadata.generation).toBe(4);
    const crd = await c.api("PATCH", "/apis/acme.example/v1/namespaces/default/widgets/w1", "{}", { "Content-Type": "application/strategic-merge-patch+json" });
    expect(crd.status).toBe(415);
  });

  it("serves health, version and metrics", async () => {
    expect((await c.api("GET", "/readyz?verbose")).body).toContain("readyz check passed");
    expect(JSON.parse((await c.api("GET", "/version")).body)).toMatchObject({ major: "1", minor: "32" });
    const metrics = (await c.api("GET", "/metrics")).body;
    expect(metrics).toMatch(/apiserver_request_total\{[^}]*verb="GET"[^}]*\} \d+/);
    expect(metrics).toContain("apiserver_request_duration_seconds_bucket");
    expect(metrics).toMatch(/etcd_request_duration_seconds_count\{operation="create",type="configmaps"\} \d+/);
  });
});

describe.skipIf(kubectlMissing)("durability", () => {
  it("keeps every write answered 2xx through a SIGKILL, and the revision keeps growing", async () => {
    const dir = tempDir("kitbash-durable-");
    let c = await startCluster(dir, ["--profile", "control-plane"]);
    const acked: string[] = [];
    let lastRV = 0;
    let stop = false;
    const writer = async (w: number) => {
      for (let i = 0; !stop; i++) {
        const name = `w${w}-${i}`;
        try {
          const r = await c.api("POST", "/api/v1/namespaces/default/configmaps", JSON.stringify({ metadata: { name } }));
          if (r.status === 201) {
            acked.push(name);
            lastRV = Math.max(lastRV, Number(JSON.parse(r.body).metadata.resourceVersion));
          }
        } catch {
          return; // the server died mid-request: that write was never answered
        }
      }
    };
    const writers = Array.from({ length: 8 }, (_, w) => writer(w));
    await new Promise((r) => setTimeout(r, 1500));
    await c.stop("SIGKILL");
    stop = true;
    await Promise.all(writers);
    expect(acked.length).toBeGreaterThan(50);
    c = await startCluster(dir, ["--profile", "control-plane"]);
    try {
      const list = JSON.parse((await c.api("GET", "/api/v1/namespaces/default/configmaps")).body);
      const present = new Set(list.items.map((i: any) => i.metadata.name));
      expect(acked.filter((n) => !present.has(n))).toEqual([]);
      const after = JSON.parse((await c.api("POST", "/api/v1/namespaces/default/configmaps", JSON.stringify({ metadata: { name: "after-restart" } }))).body);
      expect(Number(after.metadata.resourceVersion)).toBeGreaterThan(lastRV);
    } finally {
      await c.stop();
    }
  }, 120_000);
});


