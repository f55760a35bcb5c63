import { describe, expect, it } from "vitest";
import { ChangeTracker } from "../../core/proxy/index.js";
import { resolveKubeProxyConfiguration, kubeProxyConfigurationAdapter } from "../../core/proxy/configuration.js";

const svc = (name: string, extra: Record<string, unknown> = {}) => ({
  metadata: { namespace: "default", name },
  spec: { type: "ClusterIP", clusterIP: "10.96.0.5", clusterIPs: ["10.96.0.5"], ports: [{ name: "http", port: 80, protocol: "TCP" }], ...extra },
});
const slice = (name: string, svcName: string, ips: string[], extra: Record<string, unknown> = {}) => ({
  metadata: { namespace: "default", name, labels: { "kubernetes.io/service-name": svcName } },
  addressType: "IPv4",
  ports: [{ name: "http", port: 8080, protocol: "TCP" }],
  endpoints: ips.map((ip) => ({ addresses: [ip], nodeName: "node-a", conditions: { ready: true }, ...extra })),
});

describe("proxy change tracker", () => {
  it("joins Services with their EndpointSlices and reports which ports changed", () => {
    const t = new ChangeTracker("node-a");
    t.serviceChanged(svc("web", { sessionAffinity: "ClientIP", type: "NodePort", externalTrafficPolicy: "Local" }));
    t.sliceChanged(slice("web-1", "web", ["10.244.0.3", "10.244.0.2"]));
    t.serviceChanged(svc("other"));
    let { services, changed } = t.take();
    expect(services.map((s) => s.key)).toEqual(["default/other:http", "default/web:http"]);
    const web = services[1]!;
    expect(web.endpoints.map((e) => `${e.ip}:${e.port}:${e.local}`)).toEqual(["10.244.0.2:8080:true", "10.244.0.3:8080:true"]);
    expect(web.affinitySeconds).toBe(10800);
    expect(web.externalPolicyLocal).toBe(true);
    expect([...changed].sort()).toEqual(["default/other:http", "default/web:http"]);

    t.sliceChanged(slice("web-1", "web", ["10.244.0.2"]));
    ({ services, changed } = t.take());
    expect([...changed]).toEqual(["default/web:http"]);
    expect(services.find((s) => s.name === "web")!.endpoints).toHaveLength(1);

    t.serviceChanged(svc("web"), true);
    ({ services, changed } = t.take());
    expect([...changed]).toEqual(["default/web:http"]);
    expect(services.map((s) => s.name)).toEqual(["other"]);
    expect(t.pending).toBe(false);
  });

  it("skips headless and ExternalName services", () => {
    const t = new ChangeTracker("node-a");
    t.serviceChanged(svc("headless", { clusterIP: "None", clusterIPs: ["None"] }));
    t.serviceChanged(svc("ext", { type: "ExternalName", externalName: "example.com", clusterIP: undefined, clusterIPs: undefined }));
    expect(t.take().services).toEqual([]);
  });
});

describe("KubeProxyConfiguration", () => {
  it("applies upstream's defaults and reads the mode's own sync periods", () => {
    expect(resolveKubeProxyConfiguration({}).settings).toMatchObject({ mode: "iptables", syncPeriodMs: 30_000, minSyncPeriodMs: 1_000, healthzBindAddress: "0.0.0.0:10256" });
    expect(resolveKubeProxyConfiguration({ mode: "nftables", nftables: { syncPeriod: "1m0s", minSyncPeriod: "500ms" } }).settings).toMatchObject({ syncPeriodMs: 60_000, minSyncPeriodMs: 500 });
  });

  it("names the field of a bad mode or duration", () => {
    const { problems } = resolveKubeProxyConfiguration({ mode: "userspace", syncPeriod: "soon" });
    expect(problems.map((p) => p.path.join("."))).toEqual(["mode", "syncPeriod"]);
  });

  it("turns mode into the mode point's one plugin", () => {
    const sets = kubeProxyConfigurationAdapter.toPluginSets({ mode: "nftables" }, { serves: () => ["mode"], names: () => [] });
    expect(sets.plugins).toEqual({ mode: { disabled: [{ name: "*" }], enabled: [{ name: "nftables" }] } });
  });
});
