import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startCluster, type Cluster } from "../../support/cluster.js";
import { startFakeKubelet } from "../../support/fake-kubelet.js";

describe("pods/log, pods/exec through the API server to the pod's kubelet", () => {
  const dir = mkdtempSync(join(tmpdir(), "kitbash-podconnect-"));
  let c: Cluster;
  let kubelet: Awaited<ReturnType<typeof startFakeKubelet>>;

  beforeAll(async () => {
    kubelet = await startFakeKubelet(["line 1", "line 2", "line 3"]);
    c = await startCluster(dir);
    const post = async (path: string, body: object) => expect((await c.api("POST", path, JSON.stringify(body))).status).toBe(201);
    await post("/api/v1/nodes", { metadata: { name: "n1" } });
    const status = { metadata: { name: "n1" }, status: { addresses: [{ type: "Hostname", address: "n1.invalid" }, { type: "InternalIP", address: "127.0.0.1" }], daemonEndpoints: { kubeletEndpoint: { Port: kubelet.port } } } };
    expect((await c.api("PATCH", "/api/v1/nodes/n1/status", JSON.stringify(status), { "Content-Type": "application/merge-patch+json" })).status).toBe(200);
    const pod = (name: string, containers: string[], nodeName?: string) => ({ metadata: { name }, spec: { ...(nodeName ? { nodeName } : {}), containers: containers.map((n) => ({ name: n, image: "busybox" })) } });
    await post("/api/v1/namespaces/default/pods", pod("web", ["main"], "n1"));
    await post("/api/v1/namespaces/default/pods", pod("two", ["a", "b"], "n1"));
    await post("/api/v1/namespaces/default/pods", pod("unbound", ["main"]));
  }, 60_000);

  afterAll(async () => {
    await c?.stop();
    await kubelet?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("kubectl logs reads the container's log from its kubelet, as the API server's kubelet client", async () => {
    const all = await c.kubectl(["logs", "web"]);
    expect([all.code, all.stdout]).toEqual([0, "line 1\nline 2\nline 3\n"]);
    const last = kubelet.requests.at(-1)!;
    expect(last.path).toBe("/containerLogs/default/web/main");
    expect(last.clientCN).toBe("kube-apiserver-kubelet-client");
    expect(last.headers.authorization).toBeUndefined();

    const tail = await c.kubectl(["logs", "web", "--tail=2", "--timestamps"]);
    expect(tail.stdout).toBe("line 2\nline 3\n");
    expect(kubelet.requests.at(-1)!.path).toBe("/containerLogs/default/web/main?tailLines=2&timestamps=true");

    const followed = await c.kubectl(["logs", "-f", "web"]);
    expect(followed.stdout).toBe("line 1\nline 2\nline 3\nfollowed line\n");
    // Over HTTP/1.1 too (curl, client libraries without HTTP/2).
    const http1 = await c.api("GET", "/api/v1/namespaces/default/pods/web/log?follow=true");
    expect([http1.status, http1.body]).toEqual([200, "line 1\nline 2\nline 3\nfollowed line\n"]);
  });

  it("names what is wrong: no container chosen, a container the pod lacks, a pod not on a node", async () => {
    const two = await c.api("GET", "/api/v1/namespaces/default/pods/two/log");
    expect([two.status, JSON.parse(two.body).message]).toEqual([400, "a container name must be specified for pod two, choose one of: [a b]"]);
    const wrong = await c.api("GET", "/api/v1/namespaces/default/pods/web/log?container=nope");
    expect([wrong.status, JSON.parse(wrong.body).message]).toEqual([400, "container nope is not valid for pod web"]);
    const unbound = await c.api("GET", "/api/v1/namespaces/default/pods/unbound/log");
    expect([unbound.status, JSON.parse(unbound.body).message]).toEqual([400, "pod unbound does not have a host assigned"]);
    const gone = await c.api("GET", "/api/v1/namespaces/default/pods/ghost/log");
    expect(gone.status).toBe(404);
  });

  it("kubectl exec is carried over WebSocket to the kubelet's exec endpoint", async () => {
    const r = await c.kubectl(["exec", "web", "--", "echo", "hi"]);
    expect(r.stderr).toBe("");
    expect([r.code, r.stdout]).toEqual([0, "ran: echo hi\n"]);
    const last = kubelet.requests.at(-1)!;
    expect(last.path).toMatch(/^\/exec\/default\/web\/main\?/);
    expect(new URL(last.path, "https://x").searchParams.getAll("command")).toEqual(["echo", "hi"]);
    expect(last.clientCN).toBe("kube-apiserver-kubelet-client");
    expect(String(last.headers["sec-websocket-protocol"])).toContain("v5.channel.k8s.io");
  });

  it("proxies to a node's kubelet, a pod's IP and a Service's endpoint (nodes/proxy, pods/proxy, services/proxy)", async () => {
    const echo = createServer((req, res) => res.writeHead(200, { "Content-Type": "text/plain", "X-Echo": "yes" }).end(`${req.method} ${req.url} auth=${req.headers.authorization ?? "none"}`));
    await new Promise<void>((r) => echo.listen(0, "127.0.0.1", r));
    const port = (echo.address() as AddressInfo).port;
    try {
      expect((await c.kubectl(["get", "--raw", "/api/v1/nodes/n1/proxy/healthz"])).stdout).toBe("ok");
      const podStatus = { status: { podIP: "127.0.0.1", podIPs: [{ ip: "127.0.0.1" }] } };
      expect((await c.api("PATCH", "/api/v1/namespaces/default/pods/web/status", JSON.stringify(podStatus), { "Content-Type": "application/merge-patch+json" })).status).toBe(200);
      const viaPod = await c.api("GET", `/api/v1/namespaces/default/pods/web:${port}/proxy/hello/there?x=1`, undefined, { Authorization: "Bearer should-not-pass" });
      expect([viaPod.status, viaPod.body, viaPod.headers["x-echo"]]).toEqual([200, "GET /hello/there?x=1 auth=none", "yes"]);

      await c.api("POST", "/api/v1/namespaces/default/services", JSON.stringify({ metadata: { name: "echo" }, spec: { ports: [{ name: "http", port: 80 }] } }));
      const slice = { metadata: { name: "echo-1", labels: { "kubernetes.io/service-name": "echo" } }, addressType: "IPv4", endpoints: [{ addresses: ["127.0.0.1"], conditions: { ready: true } }], ports: [{ name: "http", port, protocol: "TCP" }] };
      expect((await c.api("POST", "/apis/discovery.k8s.io/v1/namespaces/default/endpointslices", JSON.stringify(slice))).status).toBe(201);
      const viaService = await c.kubectl(["get", "--raw", "/api/v1/namespaces/default/services/echo:http/proxy/svc"]);
      expect(viaService.stdout).toBe("GET /svc auth=none");
      const noEndpoints = await c.api("GET", "/api/v1/namespaces/default/services/kubernetes:nope/proxy/");
      expect([noEndpoints.status, JSON.parse(noEndpoints.body).message]).toEqual([503, 'no service port "nope" found for service "kubernetes"']);
    } finally {
      echo.close();
    }
  });
});
