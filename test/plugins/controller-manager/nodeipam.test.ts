import { describe, expect, it } from "vitest";
import { Resources, type KubeObject } from "../../../core/client/index.js";
import { CidrSet, formatCidr, parseCidr } from "../../../plugins/controller-manager/controllers/nodeipam/cidr-set.js";
import { NodeIpamController, cidrSets } from "../../../plugins/controller-manager/controllers/nodeipam/nodeipam-controller.js";
import { FakeApi } from "../../support/fake-api.js";
import { FakeClock } from "../../support/fake-clock.js";
import { fakeControllerHandle } from "../../support/fake-controller-handle.js";

const args = { allocateNodeCIDRs: true, clusterCIDR: "10.244.0.0/16", nodeCIDRMaskSizeIPv4: 24, nodeCIDRMaskSizeIPv6: 64 };

describe("CIDRs", () => {
  it.each([
    ["10.244.3.7/16", "10.244.0.0/16"],
    ["fd00:10:244::/56", "fd00:10:244::/56"],
    ["fd00::1/64", "fd00::/64"],
    ["2001:db8:0:1:0:0:0:0/64", "2001:db8:0:1::/64"],
  ])("parses %s as %s", (text, want) => expect(formatCidr(parseCidr(text))).toBe(want));

  it.each(["10.244.0.0", "10.244.0.0/33", "300.1.1.1/8", "nonsense/8"])("refuses %s", (text) => expect(() => parseCidr(text)).toThrow(/not a CIDR/));

  it.each([
    [{ clusterCIDR: "10.0.0.0/8,10.1.0.0/16" }, /at most one IPv4 and one IPv6/],
    [{ nodeCIDRMaskSizeIPv4: 8 }, /wider than the cluster CIDR/],
    [{ clusterCIDR: "10.0.0.0/4", nodeCIDRMaskSizeIPv4: 30 }, /more than 2\^24 subnets/],
  ])("refuses args %o", (over, message) => expect(() => cidrSets({ ...args, ...over })).toThrow(message));

  it("hands subnets out in turn, skips occupied ones, reuses released ones, and runs out", () => {
    const set = new CidrSet(parseCidr("10.0.0.0/22"), 24);
    set.occupy(parseCidr("10.0.1.0/24"));
    expect([set.allocate(), set.allocate(), set.allocate()].map((c) => formatCidr(c!))).toEqual(["10.0.0.0/24", "10.0.2.0/24", "10.0.3.0/24"]);
    expect(set.allocate()).toBeUndefined();
    set.release(parseCidr("10.0.2.0/24"));
    expect(formatCidr(set.allocate()!)).toBe("10.0.2.0/24");
    expect(set.occupy(parseCidr("192.168.0.0/24"))).toBe(false);
  });
});

const node = (name: string, podCIDR?: string): KubeObject => ({ apiVersion: "v1", kind: "Node", metadata: { name }, spec: podCIDR ? { podCIDR, podCIDRs: [podCIDR] } : {} });
const settle = async (check: () => boolean) => {
  for (let i = 0; i < 400 && !check(); i++) await new Promise((r) => setTimeout(r, 5));
};

describe("nodeipam controller (fake API)", () => {
  it("allocates around what nodes hold, frees a deleted node's CIDR, and double-allocates nothing after a restart", async () => {
    const api = new FakeApi();
    api.seed("/api/v1/nodes", node("a", "10.244.0.0/24"), node("b"), node("c"));
    const cidrOf = (n: string) => (api.peek(`/api/v1/nodes/${n}`)?.spec as { podCIDR?: string; podCIDRs?: string[] } | undefined)?.podCIDRs;
    const start = () => {
      const h = fakeControllerHandle({ api, clock: new FakeClock() });
      const ac = new AbortController();
      const run = new NodeIpamController(args, h).run(ac.signal);
      h.informers.start(ac.signal);
      return async () => {
        ac.abort();
        await run;
        await h.informers.stop();
      };
    };
    let stop = start();
    await settle(() => !!cidrOf("b") && !!cidrOf("c"));
    expect([cidrOf("a"), cidrOf("b"), cidrOf("c")].map((c) => c?.[0]).sort()).toEqual(["10.244.0.0/24", "10.244.1.0/24", "10.244.2.0/24"]);
    expect((api.peek("/api/v1/nodes/b")!.spec as { podCIDR: string }).podCIDR).toBe(cidrOf("b")![0]);
    await stop();

    // A new controller manager: the CIDRs already held are read back, the next node gets a fresh one.
    stop = start();
    api.seed("/api/v1/nodes", node("d"));
    await settle(() => !!cidrOf("d"));
    expect(cidrOf("d")).toEqual(["10.244.3.0/24"]);
    await fakeControllerHandle({ api }).client.resource(Resources.nodes).delete("d");
    api.seed("/api/v1/nodes", node("e"));
    await settle(() => !!cidrOf("e"));
    const all = ["a", "b", "c", "e"].map((n) => cidrOf(n)![0]);
    expect(new Set(all).size).toBe(4);
    await stop();
  });
});

