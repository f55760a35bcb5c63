import { describe, expect, it } from "vitest";
import { Resources } from "../../../core/client/index.js";
import type { Pod, Service } from "../../../core/controller-manager/index.js";
import { pod, svc } from "../../support/endpoint-fixtures.js";
import { desiredSubsets } from "../../../plugins/controller-manager/controllers/endpoints/desired-endpoints.js";
import { EndpointsController } from "../../../plugins/controller-manager/controllers/endpoints/endpoints-controller.js";
import { FakeClock } from "../../support/fake-clock.js";
import { fakeControllerHandle } from "../../support/fake-controller-handle.js";

const ips = (list?: { ip: string }[]) => (list ?? []).map((a) => a.ip);

describe("desiredSubsets", () => {
  const cases: { name: string; svc: Service; pods: Pod[]; want: { ready: string[]; notReady: string[]; ports?: number[] }[]; truncated?: boolean }[] = [
    { name: "ready and not-ready pods", svc: svc("s"), pods: [pod("a", "10.0.0.1", true), pod("b", "10.0.0.2", false)], want: [{ ready: ["10.0.0.1"], notReady: ["10.0.0.2"], ports: [8080] }] },
    { name: "publishNotReadyAddresses counts everyone ready", svc: svc("s", { publishNotReadyAddresses: true }), pods: [pod("a", "10.0.0.1", true), pod("b", "10.0.0.2", false)], want: [{ ready: ["10.0.0.1", "10.0.0.2"], notReady: [] }] },
    { name: "pods without an IP, terminating or finished are left out", svc: svc("s"), pods: [pod("a", undefined, true), pod("b", "10.0.0.2", true, { deleting: true }), pod("c", "10.0.0.3", false, { phase: "Succeeded", spec: { restartPolicy: "Never" } }), pod("d", "10.0.0.4", true)], want: [{ ready: ["10.0.0.4"], notReady: [] }] },
    {
      name: "a named targetPort resolves per pod; a pod without the name is left out",
      svc: svc("s", { ports: [{ name: "http", port: 80, targetPort: "web", protocol: "TCP" }] }),
      pods: [pod("a", "10.0.0.1", true), pod("b", "10.0.0.2", true, { spec: { containers: [{ name: "c", ports: [{ name: "web", containerPort: 9090 }] }] } }), pod("c", "10.0.0.3", true, { spec: { containers: [{ name: "c" }] } })],
      want: [
        { ready: ["10.0.0.1"], notReady: [], ports: [8080] },
        { ready: ["10.0.0.2"], notReady: [], ports: [9090] },
      ],
    },
    { name: "no pods, no subsets", svc: svc("s"), pods: [], want: [] },
  ];
  it.each(cases)("$name", ({ svc: s, pods, want }) => {
    const { subsets } = desiredSubsets(s, pods);
    expect(subsets.map((x) => ({ ready: ips(x.addresses), notReady: ips(x.notReadyAddresses), ...(want[0]?.ports ? { ports: x.ports?.map((p) => p.port) } : {}) }))).toEqual(want);
  });

  it("gives headless pods their hostname when their subdomain names the Service, and lists them without ports", () => {
    const headless = svc("h", { clusterIP: "None", ports: [] });
    const { subsets } = desiredSubsets(headless, [pod("a", "10.0.0.1", true, { spec: { hostname: "web-0", subdomain: "h" } }), pod("b", "10.0.0.2", true, { spec: { hostname: "x", subdomain: "other" } })]);
    expect(subsets).toHaveLength(1);
    expect(subsets[0]!.ports).toBeUndefined();
    expect(subsets[0]!.addresses!.map((a) => [a.ip, a.hostname])).toEqual([
      ["10.0.0.1", "web-0"],
      ["10.0.0.2", undefined],
    ]);
  });

  it("cuts to 1000 addresses, ready ones first", () => {
    const pods = Array.from({ length: 1002 }, (_, i) => pod(`p${i}`, `10.1.${i >> 8}.${i & 255}`, i !== 0));
    const { subsets, truncated } = desiredSubsets(svc("s"), pods);
    expect(truncated).toBe(true);
    expect(subsets[0]!.addresses).toHaveLength(1000);
    expect(subsets[0]!.notReadyAddresses).toBeUndefined();
  });
});

const settle = async (check: () => boolean) => {
  for (let i = 0; i < 400 && !check(); i++) await new Promise((r) => setTimeout(r, 5));
};

describe("endpoints controller (fake API)", () => {
  it("writes Endpoints for a selector Service, follows readiness, skips `kubernetes`, deletes with the Service", async () => {
    const clock = new FakeClock();
    const h = fakeControllerHandle({ clock });
    h.api.seed("/api/v1/namespaces/d/services", svc("web"));
    h.api.seed("/api/v1/namespaces/default/services", { ...svc("kubernetes"), metadata: { name: "kubernetes", namespace: "default" } });
    h.api.seed("/api/v1/namespaces/d/pods", pod("a", "10.0.0.1", true), pod("b", "10.0.0.2", true), pod("other", "10.0.0.9", true, { labels: { app: "db" } }));
    const ac = new AbortController();
    const run = new EndpointsController({ concurrentSyncs: 2 }, h).run(ac.signal);
    h.informers.start(ac.signal);
    const ep = () => h.api.peek("/api/v1/namespaces/d/endpoints/web") as { subsets?: { addresses?: { ip: string }[]; notReadyAddresses?: { ip: string }[] }[]; metadata: { annotations?: Record<string, string> } } | undefined;

    await settle(() => ips(ep()?.subsets?.[0]?.addresses).length === 2);
    expect(ips(ep()!.subsets![0]!.addresses)).toEqual(["10.0.0.1", "10.0.0.2"]);
    // The earliest change not yet written: the pods' Ready transitions (the Service was created later).
    expect(ep()!.metadata.annotations!["endpoints.kubernetes.io/last-change-trigger-time"]).toBe("2026-01-01T00:00:05Z");
    expect(h.api.peek("/api/v1/namespaces/default/endpoints/kubernetes")).toBeUndefined();

    const b = h.api.peek("/api/v1/namespaces/d/pods/b") as Pod;
    await h.client.resource<Pod>(Resources.pods, "d").updateStatus({ ...b, status: { ...b.status, conditions: [{ type: "Ready", status: "False", lastTransitionTime: "2026-01-01T00:02:00Z" }] } });
    await settle(() => ips(ep()?.subsets?.[0]?.notReadyAddresses).length === 1);
    expect(ips(ep()!.subsets![0]!.addresses)).toEqual(["10.0.0.1"]);
    expect(ips(ep()!.subsets![0]!.notReadyAddresses)).toEqual(["10.0.0.2"]);
    expect(ep()!.metadata.annotations!["endpoints.kubernetes.io/last-change-trigger-time"]).toBe("2026-01-01T00:02:00Z");

    // A resync with nothing changed writes nothing.
    const writes = () => h.api.requests.filter((r) => /^(PUT|POST) .*endpoints/.test(r)).length;
    const before = writes();
    const s = h.api.peek("/api/v1/namespaces/d/services/web")!;
    await h.client.resource(Resources.services, "d").update({ ...s, metadata: { ...s.metadata, annotations: { touched: "1" } } });
    await new Promise((r) => setTimeout(r, 50));
    expect(writes()).toBe(before);

    await h.client.resource(Resources.services, "d").delete("web");
    await settle(() => !ep());
    expect(ep()).toBeUndefined();
    ac.abort();
    await run;
    await h.informers.stop();
  });
});
