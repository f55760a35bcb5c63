import { familyOf, usableEndpoints, type IpFamily, type ProxyModel } from "../../../../core/proxy/index.js";

export const DUMMY_DEVICE = "kube-ipvs0";

/** What IPVS mode programs: virtual servers with their real servers, ipsets, the dummy device's addresses, iptables helpers. */
export interface IpvsRules {
  /** ipvsadm-restore input: `-A` virtual servers, `-a` real servers. */
  ipvsadm: string;
  /** ipset restore input for KUBE-CLUSTER-IP, KUBE-NODE-PORT-TCP/UDP, KUBE-LOOP-BACK. */
  ipset: string;
  /** Addresses bound to kube-ipvs0 so the node accepts traffic for them. */
  addresses: string[];
  /** iptables-restore input for the nat helpers that match the ipsets. */
  iptables: string;
  virtualServers: number;
  realServers: number;
}

const proto = (p: string) => (p === "UDP" ? "-u" : p === "SCTP" ? "--sctp-service" : "-t");

/** Renders IPVS mode's state for one family (round-robin, ClientIP affinity as persistence). */
export function renderIpvs(model: ProxyModel, family: IpFamily, nodeIPs: readonly string[], scheduler = "rr"): IpvsRules {
  const ipvs: string[] = [];
  const clusterIP: string[] = [];
  const nodePortTcp: string[] = [];
  const nodePortUdp: string[] = [];
  const loopBack: string[] = [];
  const addresses = new Set<string>();
  let virtualServers = 0;
  let realServers = 0;
  const host = (ip: string) => (family === 4 ? ip : `[${ip}]`);
  for (const sp of model.services) {
    const ips = sp.clusterIPs.filter((ip) => familyOf(ip) === family);
    if (!ips.length) continue;
    const eps = usableEndpoints(sp.endpoints, sp.internalPolicyLocal).filter((e) => familyOf(e.ip) === family);
    const persist = sp.affinitySeconds !== undefined ? ` -p ${sp.affinitySeconds}` : "";
    const l4 = sp.protocol.toLowerCase();
    const vips = [...ips, ...[...sp.externalIPs, ...sp.loadBalancerIPs].filter((ip) => familyOf(ip) === family)];
    const targets = vips.map((ip) => `${host(ip)}:${sp.port}`);
    if (sp.nodePort !== undefined) targets.push(...nodeIPs.filter((ip) => familyOf(ip) === family).map((ip) => `${host(ip)}:${sp.nodePort}`));
    for (const ip of vips) {
      addresses.add(ip);
      clusterIP.push(`add KUBE-CLUSTER-IP ${ip},${l4}:${sp.port}`);
    }
    if (sp.nodePort !== undefined) (sp.protocol === "UDP" ? nodePortUdp : nodePortTcp).push(`add KUBE-NODE-PORT-${sp.protocol === "UDP" ? "UDP" : "TCP"} ${sp.nodePort}`);
    for (const ep of eps) if (ep.local) loopBack.push(`add KUBE-LOOP-BACK ${ep.ip},${l4}:${ep.port},${ep.ip}`);
    for (const vs of targets) {
      ipvs.push(`-A ${proto(sp.protocol)} ${vs} -s ${scheduler}${persist}`);
      virtualServers++;
      for (const ep of eps) {
        ipvs.push(`-a ${proto(sp.protocol)} ${vs} -r ${host(ep.ip)}:${ep.port} -m -w 1`);
        realServers++;
      }
    }
  }
  const v6 = family === 6 ? " family inet6" : "";
  const ipset = [
    `create KUBE-CLUSTER-IP hash:ip,port${v6} -exist`,
    `create KUBE-NODE-PORT-TCP bitmap:port range 0-65535 -exist`,
    `create KUBE-NODE-PORT-UDP bitmap:port range 0-65535 -exist`,
    `create KUBE-LOOP-BACK hash:ip,port,ip${v6} -exist`,
    ...["KUBE-CLUSTER-IP", "KUBE-NODE-PORT-TCP", "KUBE-NODE-PORT-UDP", "KUBE-LOOP-BACK"].map((s) => `flush ${s}`),
    ...clusterIP,
    ...nodePortTcp,
    ...nodePortUdp,
    ...loopBack,
    "",
  ].join("\n");
  const cidr = model.clusterCIDR && familyOf(model.clusterCIDR.split("/")[0]!) === family ? model.clusterCIDR : undefined;
  const iptables = [
    "*nat",
    ...["KUBE-SERVICES", "KUBE-POSTROUTING", "KUBE-NODE-PORT", "KUBE-LOAD-BALANCER", "KUBE-MARK-MASQ"].map((c) => `:${c} - [0:0]`),
    `-A KUBE-MARK-MASQ -j MARK --or-mark 0x4000`,
    `-A KUBE-POSTROUTING -m comment --comment "Kubernetes endpoints dst ip:port, source ip for solving hairpin purpose" -m set --match-set KUBE-LOOP-BACK dst,dst,src -j MASQUERADE`,
    `-A KUBE-POSTROUTING -m mark ! --mark 0x4000/0x4000 -j RETURN`,
    `-A KUBE-POSTROUTING -j MARK --xor-mark 0x4000`,
    `-A KUBE-POSTROUTING -j MASQUERADE --random-fully`,
    ...(cidr ? [`-A KUBE-SERVICES -m comment --comment "Kubernetes service cluster ip + port for masquerade purpose" -m set --match-set KUBE-CLUSTER-IP dst,dst ! -s ${cidr} -j KUBE-MARK-MASQ`] : []),
    `-A KUBE-SERVICES -m addrtype --dst-type LOCAL -j KUBE-NODE-PORT`,
    `-A KUBE-SERVICES -m set --match-set KUBE-CLUSTER-IP dst,dst -j ACCEPT`,
    `-A KUBE-NODE-PORT -p tcp -m set --match-set KUBE-NODE-PORT-TCP dst -j KUBE-MARK-MASQ`,
    `-A KUBE-NODE-PORT -p udp -m set --match-set KUBE-NODE-PORT-UDP dst -j KUBE-MARK-MASQ`,
    "COMMIT",
    "",
  ].join("\n");
  return { ipvsadm: ipvs.join("\n") + "\n", ipset, addresses: [...addresses], iptables, virtualServers, realServers };
}
