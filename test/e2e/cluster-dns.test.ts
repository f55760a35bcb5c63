import { Resolver } from "node:dns/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startCluster, type Cluster } from "../support/cluster.js";
import { tempDir } from "../support/temp.js";
import { until } from "../support/until.js";


describe("the cluster DNS add-on in kitbash up", () => {
  let c: Cluster;
  const resolver = new Resolver({ timeout: 2000, tries: 1 });

  beforeAll(async () => {
    c = await startCluster(tempDir("kitbash-dns-"), [
      "--set", "components.addons.enabled=true",
      "--set", "components.addons.pluginConfig=[{name: cluster-dns, args: {bindAddress: 127.0.0.1, port: 0, upstreamServers: []}}]",
    ]);
  }, 60_000);
  afterAll(() => c?.stop());

  it("publishes itself as the kube-dns Service and answers for Services as they come and go", async () => {
    const slice = await until("the kube-dns EndpointSlice", async () => {
      const res = await c.api("GET", "/apis/discovery.k8s.io/v1/namespaces/kube-system/endpointslices/kube-dns-kitbash");
      return res.status === 200 ? (JSON.parse(res.body) as { endpoints: { addresses: string[] }[]; ports: { name: string; port: number }[] }) : undefined;
    });
    expect(slice.endpoints[0]!.addresses).toEqual(["127.0.0.1"]);
    const port = slice.ports.find((p) => p.name === "dns")!.port;
    const svc = JSON.parse((await c.api("GET", "/api/v1/namespaces/kube-system/services/kube-dns")).body) as { spec: { clusterIP: string; ports: { name: string; port: number; targetPort: number }[] } };
    expect(svc.spec.clusterIP).toBe("10.96.0.10");
    expect(svc.spec.ports.map((p) => [p.name, p.port, p.targetPort])).toEqual([["dns", 53, port], ["dns-tcp", 53, port]]);
    resolver.setServers([`127.0.0.1:${port}`]);

    // The API server's own Service is there from the start.
    expect(await resolver.resolve4("kubernetes.default.svc.cluster.local")).toEqual(["10.96.0.1"]);

    const created = await c.kubectl(["create", "service", "clusterip", "web", "--tcp=80:8080"]);
    expect(created.code).toBe(0);
    const ip = JSON.parse((await c.api("GET", "/api/v1/namespaces/default/services/web")).body).spec.clusterIP as string;
    expect(await until("web to resolve", () => resolver.resolve4("web.default.svc.cluster.local"))).toEqual([ip]);
    expect(await resolver.resolveSrv("_80-8080._tcp.web.default.svc.cluster.local")).toEqual([{ name: "web.default.svc.cluster.local", port: 80, priority: 0, weight: 100 }]);
    expect(await resolver.reverse(ip)).toEqual(["web.default.svc.cluster.local"]);

    // A headless Service with hand-written endpoints (no selector, so no controller owns them).
    expect((await c.api("POST", "/api/v1/namespaces/default/services", JSON.stringify({ metadata: { name: "db" }, spec: { clusterIP: "None", ports: [{ name: "pg", port: 5432 }] } }))).status).toBe(201);
    const dbSlice = {
      metadata: { name: "db-1", labels: { "kubernetes.io/service-name": "db" } },
      addressType: "IPv4",
      endpoints: [
        { addresses: ["10.244.0.5"], hostname: "db-0", conditions: { ready: true } },
        { addresses: ["10.244.0.6"], hostname: "db-1", conditions: { ready: false } },
      ],
      ports: [{ name: "pg", port: 5432, protocol: "TCP" }],
    };
    expect((await c.api("POST", "/apis/discovery.k8s.io/v1/namespaces/default/endpointslices", JSON.stringify(dbSlice))).status).toBe(201);
    expect(await until("db to resolve", () => resolver.resolve4("db.default.svc.cluster.local"))).toEqual(["10.244.0.5"]);
    expect(await resolver.resolve4("db-0.db.default.svc.cluster.local")).toEqual(["10.244.0.5"]);
    await expect(resolver.resolve4("db-1.db.default.svc.cluster.local")).rejects.toMatchObject({ code: "ENOTFOUND" });

    expect((await c.kubectl(["delete", "service", "web"])).code).toBe(0);
    await until("web to be gone", () => resolver.resolve4("web.default.svc.cluster.local").then(() => false, (err: { code?: string }) => err.code === "ENOTFOUND"));
  }, 60_000);
});
