import { describe, expect, it } from "vitest";
import { Resources } from "../../../core/client/index.js";
import { planSlices, type EndpointGroup, type EndpointSlice, type Pod, type SliceEndpoint } from "../../../core/controller-manager/index.js";
import { desiredGroups } from "../../../plugins/controller-manager/controllers/endpointslice/desired-endpoints.js";
import { EndpointSliceController } from "../../../plugins/controller-manager/controllers/endpointslice/endpointslice-controller.js";
import { FakeClock } from "../../support/fake-clock.js";
import { fakeControllerHandle } from "../../support/fake-controller-handle.js";
import { pod, svc } from "../../support/endpoint-fixtures.js";

describe("desiredGroups", () => {
  const cases = [
    { name: "ready pod", pods: [pod("a", "10.0.0.1", true)], publish: false, want: { ready: true, serving: true, terminating: false } },
    { name: "not-ready pod", pods: [pod("a", "10.0.0.1", false)], publish: false, want: { ready: false, serving: false, terminating: false } },
    { name: "terminating ready pod serves but is not ready", pods: [pod("a", "10.0.0.1", true, { deleting: true })], publish: false, want: { ready: false, serving: true, terminating: true } },
    { name: "publishNotReadyAddresses", pods: [pod("a", "10.0.0.1", false)], publish: true, want: { ready: true, serving: true, terminating: false } },
  ];
  it.each(cases)("conditions: $name", ({ pods, publish, want }) => {
    const [g] = desiredGroups(svc("s", { publishNotReadyAddresses: publish }), pods, () => "z1");
    expect(g!.endpoints[0]!.conditions).toEqual(want);
    expect(g!.endpoints[0]).toMatchObject({ nodeName: "n1", zone: "z1", targetRef: { kind: "Pod", name: "a" } });
  });

  it("keeps one group per address family, each with the pod's IP of that family", () => {
    const p = pod("a", "10.0.0.1", true);
    p.status!.podIPs = [{ ip: "10.0.0.1" }, { ip: "fd00::1" }];
    const groups = desiredGroups(svc("s", { ipFamilies: ["IPv4", "IPv6"] }), [p], () => undefined);
    expect(groups.map((g) => [g.addressType, g.endpoints[0]!.addresses[0]])).toEqual([
      ["IPv4", "10.0.0.1"],
      ["IPv6", "fd00::1"],
    ]);
  });

  it("hints each endpoint to its zone under PreferClose, and none when a zone is missing", () => {
    const zoned = desiredGroups(svc("s", { trafficDistribution: "PreferClose" }), [pod("a", "10.0.0.1", true)], () => "z1");
    expect(zoned[0]!.endpoints[0]!.hints).toEqual({ forZones: [{ name: "z1" }] });
    const unzoned = desiredGroups(svc("s", { trafficDistribution: "PreferClose" }), [pod("a", "10.0.0.1", true)], () => undefined);
    expect(unzoned[0]!.endpoints[0]!.hints).toBeUndefined();
  });
});

const ep = (ip: string, ready = true): SliceEndpoint => ({ addresses: [ip], conditions: { ready, serving: ready, terminating: false }, targetRef: { kind: "Pod", namespace: "d", name: ip, uid: ip } });
const ports = [{ name: "http", port: 8080, protocol: "TCP" }];
const group = (n: number, from = 0, notReady: number[] = []): EndpointGroup => ({ key: `IPv4|${JSON.stringify(ports)}`, addressType: "IPv4", ports, endpoints: Array.from({ length: n }, (_, i) => ep(`10.0.${(from + i) >> 8}.${(from + i) & 255}`, !notReady.includes(from + i))) });
const slice = (name: string, endpoints: SliceEndpoint[]): EndpointSlice => ({ metadata: { name }, addressType: "IPv4", ports, endpoints });

describe("planSlices", () => {
  it.each([
    { name: "250 new endpoints make 3 slices", existing: [], groups: [group(250)], want: { create: [100, 100, 50], update: 0, del: 0, keep: 0 } },
    { name: "nothing changed writes nothing", existing: [slice("a", group(100).endpoints), slice("b", group(20, 100).endpoints)], groups: [group(120)], want: { create: [], update: 0, del: 0, keep: 2 } },
    { name: "one endpoint turning not ready updates only its slice", existing: [slice("a", group(100).endpoints), slice("b", group(20, 100).endpoints)], groups: [group(120, 0, [110])], want: { create: [], update: 1, del: 0, keep: 1 } },
    { name: "a new endpoint goes into an unchanged slice with room instead of a new slice", existing: [slice("a", group(100).endpoints), slice("b", group(20, 100).endpoints)], groups: [group(121)], want: { create: [], update: 1, del: 0, keep: 1 } },
    { name: "a slice whose endpoints all left is deleted", existing: [slice("a", group(100).endpoints), slice("b", group(20, 100).endpoints)], groups: [group(100)], want: { create: [], update: 0, del: 1, keep: 1 } },
    { name: "no endpoints at all leaves one empty placeholder", existing: [slice("a", group(3).endpoints), slice("b", group(2, 3).endpoints)], groups: [], want: { create: [], update: 1, del: 1, keep: 0 } },
    { name: "no slices and no endpoints creates the placeholder", existing: [], groups: [], want: { create: [0], update: 0, del: 0, keep: 0 } },
  ])("$name", ({ existing, groups, want }) => {
    const plan = planSlices(existing, groups, 100, "IPv4");
    expect({ create: plan.create.map((c) => c.endpoints.length), update: plan.update.length, del: plan.delete.length, keep: plan.keep.length }).toEqual(want);
    // Every wanted endpoint lands in exactly one slice.
    const placed = [...plan.create.flatMap((c) => c.endpoints), ...plan.update.flatMap((u) => u.endpoints), ...plan.keep.flatMap((k) => k.endpoints ?? [])].map((e) => e.addresses[0]);
    expect(placed.sort()).toEqual(groups.flatMap((g) => g.endpoints.map((e) => e.addresses[0])).sort());
  });
});

const settle = async (check: () => boolean) => {
  for (let i = 0; i < 400 && !check(); i++) await new Promise((r) => setTimeout(r, 5));
};

describe("endpointslice controller (fake API)", () => {
  it("writes labelled, owned slices of at most maxEndpointsPerSlice and updates one in place when a pod turns not ready", async () => {
    const h = fakeControllerHandle({ clock: new FakeClock() });
    const [service] = h.api.seed("/api/v1/namespaces/d/services", { ...svc("web", { ipFamilies: ["IPv4"] }), metadata: { name: "web", namespace: "d", labels: { team: "a" } } });
    h.api.seed("/api/v1/namespaces/d/pods", ...Array.from({ length: 5 }, (_, i) => pod(`p${i}`, `10.0.0.${i + 1}`, true)));
    const ac = new AbortController();
    const run = new EndpointSliceController({ concurrentSyncs: 2, maxEndpointsPerSlice: 3 }, h).run(ac.signal);
    h.informers.start(ac.signal);
    const slices = () => h.api.list("/apis/discovery.k8s.io/v1/namespaces/d/endpointslices") as EndpointSlice[];
    const count = () => slices().reduce((n, s) => n + (s.endpoints?.length ?? 0), 0);

    await settle(() => count() === 5);
    expect(slices().map((s) => s.endpoints!.length).sort()).toEqual([2, 3]);
    for (const s of slices()) {
      expect(s.metadata.labels).toEqual({ team: "a", "kubernetes.io/service-name": "web", "endpointslice.kubernetes.io/managed-by": "endpointslice-controller.k8s.io" });
      expect(s.metadata.ownerReferences).toEqual([{ apiVersion: "v1", kind: "Service", name: "web", uid: service!.metadata.uid, controller: true, blockOwnerDeletion: true }]);
      expect(s.addressType).toBe("IPv4");
      expect(s.ports).toEqual([{ name: "http", port: 8080, protocol: "TCP" }]);
    }
    const creates = h.api.requests.filter((r) => r.startsWith("POST /apis/discovery.k8s.io")).length;
    expect(creates).toBe(2);

    const p3 = h.api.peek("/api/v1/namespaces/d/pods/p3") as Pod;
    await h.client.resource<Pod>(Resources.pods, "d").updateStatus({ ...p3, status: { ...p3.status, conditions: [{ type: "Ready", status: "False" }] } });
    const holder = () => slices().find((s) => s.endpoints!.some((e) => e.addresses[0] === "10.0.0.4"))!;
    await settle(() => holder().endpoints!.find((e) => e.addresses[0] === "10.0.0.4")!.conditions.ready === false);
    expect(holder().endpoints!.find((e) => e.addresses[0] === "10.0.0.4")!.conditions).toEqual({ ready: false, serving: false, terminating: false });
    expect(h.api.requests.filter((r) => r.startsWith("PUT /apis/discovery.k8s.io"))).toHaveLength(1);
    expect(h.api.requests.filter((r) => r.startsWith("POST /apis/discovery.k8s.io"))).toHaveLength(creates);
    ac.abort();
    await run;
    await h.informers.stop();
  });
});
