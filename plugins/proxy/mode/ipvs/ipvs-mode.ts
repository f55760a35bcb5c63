import { existsSync } from "node:fs";
import { familyOf, type IpFamily, type ProxyHandle, type ProxyMode, type ProxyModel, type SyncResult } from "../../../../core/proxy/index.js";
import { DUMMY_DEVICE, renderIpvs, type IpvsRules } from "./ipvs-rules.js";

/**
 * Upstream's IPVS proxier. The rules are rendered in full (ipvsadm-restore, ipset restore, the
 * iptables helpers, kube-ipvs0's addresses); applying them needs the kernel's ip_vs module,
 * and a kernel without it gets an error naming the module instead of half-programmed rules.
 */
export class IpvsMode implements ProxyMode {
  constructor(
    private readonly handle: ProxyHandle,
    private readonly scheduler: string,
  ) {}

  render(model: ProxyModel, family: IpFamily, nodeIPs: readonly string[] = []): IpvsRules {
    return renderIpvs(model, family, nodeIPs, this.scheduler);
  }

  async sync(model: ProxyModel): Promise<SyncResult> {
    const families = new Set<IpFamily>([4, ...model.services.flatMap((s) => s.clusterIPs.map(familyOf))]);
    const rendered = [...families].map((f) => ({ family: f, rules: this.render(model, f) }));
    if (!existsSync("/proc/net/ip_vs")) {
      throw new Error("IPVS mode needs the kernel module ip_vs (with ip_vs_rr, ip_vs_wrr, ip_vs_sh and nf_conntrack), which this kernel has not loaded: /proc/net/ip_vs is missing. Load it with `modprobe ip_vs`, or choose mode iptables or nftables");
    }
    await this.handle.exec("ip", ["link", "add", DUMMY_DEVICE, "type", "dummy"]).catch(() => {});
    let rules = 0;
    for (const { family, rules: r } of rendered) {
      for (const a of r.addresses) await this.handle.exec("ip", ["addr", "replace", `${a}/${family === 4 ? 32 : 128}`, "dev", DUMMY_DEVICE]);
      await this.handle.exec("ipset", ["restore"], r.ipset);
      await this.handle.exec("ipvsadm", ["--clear"]);
      await this.handle.exec("ipvsadm-restore", [], r.ipvsadm);
      await this.handle.exec(family === 4 ? "iptables-restore" : "ip6tables-restore", ["--noflush"], r.iptables);
      rules += r.virtualServers + r.realServers;
    }
    return { rules };
  }

  async cleanup(): Promise<void> {
    await this.handle.exec("ip", ["link", "del", DUMMY_DEVICE]).catch(() => {});
    if (existsSync("/proc/net/ip_vs")) await this.handle.exec("ipvsadm", ["--clear"]).catch(() => {});
    for (const set of ["KUBE-CLUSTER-IP", "KUBE-NODE-PORT-TCP", "KUBE-NODE-PORT-UDP", "KUBE-LOOP-BACK"]) await this.handle.exec("ipset", ["destroy", set]).catch(() => {});
  }
}
