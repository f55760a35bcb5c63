import { existsSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { IpvsMode } from "../../../plugins/proxy/mode/ipvs/ipvs-mode.js";
import type { ProxyHandle } from "../../../core/proxy/index.js";
import { endpoint, model, servicePort } from "../../proxy/fixtures.js";

describe("ipvs mode rules", () => {
  const calls: string[] = [];
  const handle = { exec: async (cmd: string) => (calls.push(cmd), { stdout: "", stderr: "" }) } as unknown as ProxyHandle;
  const sp = servicePort({ name: "web", nodePort: 30080, affinitySeconds: 60, endpoints: [endpoint("10.244.1.2"), endpoint("10.244.1.3")] });

  it("renders virtual servers, real servers, ipsets and the dummy device's addresses", () => {
    const r = new IpvsMode(handle, "rr").render(model([sp]), 4, ["192.168.1.10"]);
    expect(r.ipvsadm.split("\n").filter((l) => l.startsWith("-A "))).toEqual(["-A -t 10.96.0.10:80 -s rr -p 60", "-A -t 192.168.1.10:30080 -s rr -p 60"]);
    expect(r.ipvsadm.split("\n").filter((l) => l.startsWith("-a -t 10.96.0.10:80 "))).toEqual(["-a -t 10.96.0.10:80 -r 10.244.1.2:80 -m -w 1", "-a -t 10.96.0.10:80 -r 10.244.1.3:80 -m -w 1"]);
    expect([r.virtualServers, r.realServers]).toEqual([2, 4]);
    expect(r.ipset).toContain("add KUBE-CLUSTER-IP 10.96.0.10,tcp:80");
    expect(r.ipset).toContain("add KUBE-NODE-PORT-TCP 30080");
    expect(r.addresses).toEqual(["10.96.0.10"]);
    expect(r.iptables).toMatch(/-A KUBE-SERVICES .*--match-set KUBE-CLUSTER-IP dst,dst ! -s 10\.244\.0\.0\/16 -j KUBE-MARK-MASQ/);
  });

  it.runIf(!existsSync("/proc/net/ip_vs"))("fails to apply with an error naming ip_vs, before changing anything", async () => {
    await expect(new IpvsMode(handle, "rr").sync(model([sp]))).rejects.toThrow(/kernel module ip_vs/);
    expect(calls).toEqual([]);
  });
});
