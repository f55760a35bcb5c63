import { describe, expect, it } from "vitest";
import { Resources } from "../../../core/client/index.js";
import type { EndpointSlice } from "../../../core/controller-manager/index.js";
import { EndpointSliceMirroringController } from "../../../plugins/controller-manager/controllers/endpointslicemirroring/endpointslicemirroring-controller.js";
import { mirroredGroups } from "../../../plugins/controller-manager/controllers/endpointslicemirroring/mirrored-endpoints.js";
import { FakeClock } from "../../support/fake-clock.js";
import { fakeControllerHandle } from "../../support/fake-controller-handle.js";

describe("mirroredGroups", () => {
  it.each([
    {
      name: "ready and not-ready addresses of one subset",
      subsets: [{ addresses: [{ ip: "10.0.0.1", nodeName: "n1" }], notReadyAddresses: [{ ip: "10.0.0.2" }], ports: [{ name: "http", port: 80 }] }],
      want: [["IPv4", "10.0.0.1:true", "10.0.0.2:false"]],
    },
    {
      name: "families split, non-IPs skipped",
      subsets: [{ addresses: [{ ip: "10.0.0.1" }, { ip: "fd00::1" }, { ip: "example.com" }], ports: [{ port: 80 }] }],
      want: [["IPv4", "10.0.0.1:true"], ["IPv6", "fd00::1:true"]],
    },
    {
      name: "subsets with different ports make different groups",
      subsets: [
        { addresses: [{ ip: "10.0.0.1" }], ports: [{ port: 80 }] },
        { addresses: [{ ip: "10.0.0.2" }], ports: [{ port: 81 }] },
      ],
      want: [["IPv4", "10.0.0.1:true"], ["IPv4", "10.0.0.2:true"]],
    },
    { name: "over capacity keeps ready ones first", subsets: [{ addresses: [{ ip: "10.0.0.1" }, { ip: "10.0.0.2" }], notReadyAddresses: [{ ip: "10.0.0.3" }], ports: [{ port: 80 }] }], max: 2, want: [["IPv4", "10.0.0.1:true", "10.0.0.2:true"]], skipped: 1 },
  ])("$name", ({ subsets, want, max, skipped }) => {
    const out = mirroredGroups(subsets, max ?? 1000);
    expect(out.groups.map((g) => [g.addressType, ...g.endpoints.map((e) => `${e.addresses[0]}:${e.conditions.ready}`)])).toEqual(want);
    expect(out.skipped).toBe(skipped ?? 0);
  });
});

const settle = async (check: () => boolean) => {
  for (let i = 0; i < 400 && !check(); i++) await new Promise((r) => setTimeout(r, 5));
};

describe("endpointslicemirroring controller (fake API)", () => {
  it("mirrors Endpoints of a selector-less Service only, owned by the Endpoints, and removes the mirror when the Service gains a selector", async () => {
    const h = fakeControllerHandle({ clock: new FakeClock() });
    h.api.seed("/api/v1/namespaces/d/services", { apiVersion: "v1", kind: "Service", metadata: { name: "ext" }, spec: { ports: [{ port: 80 }] } }, { apiVersion: "v1", kind: "Service", metadata: { name: "sel" }, spec: { selector: { a: "b" } } });
    const [ep] = h.api.seed(
      "/api/v1/namespaces/d/endpoints",
      { apiVersion: "v1", kind: "Endpoints", metadata: { name: "ext", labels: { team: "x" } }, subsets: [{ addresses: [{ ip: "192.0.2.10" }], ports: [{ name: "http", port: 8080, protocol: "TCP" }] }] },
      { apiVersion: "v1", kind: "Endpoints", metadata: { name: "sel" }, subsets: [{ addresses: [{ ip: "192.0.2.11" }], ports: [{ port: 80 }] }] },
      { apiVersion: "v1", kind: "Endpoints", metadata: { name: "orphan" }, subsets: [{ addresses: [{ ip: "192.0.2.12" }], ports: [{ port: 80 }] }] },
    );
    const ac = new AbortController();
    const run = new EndpointSliceMirroringController({ concurrentSyncs: 2, maxEndpointsPerSubset: 1000 }, h).run(ac.signal);
    h.informers.start(ac.signal);
    const slices = () => h.api.list("/apis/discovery.k8s.io/v1/namespaces/d/endpointslices") as EndpointSlice[];
    await settle(() => slices().length === 1);
    await new Promise((r) => setTimeout(r, 30));
    expect(slices()).toHaveLength(1);
    const [s] = slices();
    expect(s!.metadata.labels).toEqual({ team: "x", "kubernetes.io/service-name": "ext", "endpointslice.kubernetes.io/managed-by": "endpointslicemirroring-controller.k8s.io" });
    expect(s!.metadata.ownerReferences).toEqual([{ apiVersion: "v1", kind: "Endpoints", name: "ext", uid: ep!.metadata.uid, controller: true, blockOwnerDeletion: true }]);
    expect(s!.endpoints).toEqual([{ addresses: ["192.0.2.10"], conditions: { ready: true } }]);
    expect(s!.ports).toEqual([{ name: "http", port: 8080, protocol: "TCP" }]);

    const svc = h.api.peek("/api/v1/namespaces/d/services/ext")!;
    await h.client.resource(Resources.services, "d").update({ ...svc, spec: { ...(svc.spec as object), selector: { app: "now" } } });
    await settle(() => slices().length === 0);
    expect(slices()).toEqual([]);
    ac.abort();
    await run;
    await h.informers.stop();
  });
});
