import { familyOf, usableEndpoints, type IpFamily, type ProxyModel, type ServicePort } from "../../../../core/proxy/index.js";
import { extChain, sepChain, svcChain, svlChain } from "./chains.js";

export const MASQ_MARK = "0x4000/0x4000";

/** The proxy's own chains, created in every sync; everything named KUBE-SVC/SVL/EXT/SEP is per service. */
export const NAT_CHAINS = ["KUBE-SERVICES", "KUBE-NODEPORTS", "KUBE-POSTROUTING", "KUBE-MARK-MASQ"];
export const FILTER_CHAINS = ["KUBE-SERVICES", "KUBE-EXTERNAL-SERVICES", "KUBE-NODEPORTS", "KUBE-FORWARD"];

/** Jumps from the built-in chains into the proxy's, as upstream installs them (checked, then inserted). */
export const JUMPS: { table: string; chain: string; rule: string[] }[] = [
  { table: "nat", chain: "PREROUTING", rule: ["-m", "comment", "--comment", "kubernetes service portals", "-j", "KUBE-SERVICES"] },
  { table: "nat", chain: "OUTPUT", rule: ["-m", "comment", "--comment", "kubernetes service portals", "-j", "KUBE-SERVICES"] },
  { table: "nat", chain: "POSTROUTING", rule: ["-m", "comment", "--comment", "kubernetes postrouting rules", "-j", "KUBE-POSTROUTING"] },
  { table: "filter", chain: "INPUT", rule: ["-m", "conntrack", "--ctstate", "NEW", "-m", "comment", "--comment", "kubernetes service portals", "-j", "KUBE-SERVICES"] },
  { table: "filter", chain: "OUTPUT", rule: ["-m", "conntrack", "--ctstate", "NEW", "-m", "comment", "--comment", "kubernetes service portals", "-j", "KUBE-SERVICES"] },
  { table: "filter", chain: "FORWARD", rule: ["-m", "comment", "--comment", "kubernetes forwarding rules", "-j", "KUBE-FORWARD"] },
];

export interface Rendered {
  text: string;
  /** Per-service chains this render declares, for deleting stale ones next time. */
  chains: Set<string>;
  rules: number;
}

/**
 * The iptables-restore input for one IP family: filter then nat, upstream's chain layout.
 * `stale` names per-service chains present in the kernel but not in the model; they are
 * flushed and deleted in the same transaction.
 */
export function renderIptables(model: ProxyModel, family: IpFamily, stale: readonly string[] = []): Rendered {
  const host = family === 4 ? "/32" : "/128";
  const filter: string[] = [];
  const nat: string[] = [];
  const chains = new Set<string>();
  const comment = (sp: ServicePort, what = "") => ["-m", "comment", "--comment", `"${sp.key}${what}"`].join(" ");
  const proto = (sp: ServicePort) => `-p ${sp.protocol.toLowerCase()} -m ${sp.protocol.toLowerCase()}`;

  filter.push(
    `-A KUBE-FORWARD -m conntrack --ctstate INVALID -j DROP`,
    `-A KUBE-FORWARD -m comment --comment "kubernetes forwarding rules" -m mark --mark ${MASQ_MARK} -j ACCEPT`,
    `-A KUBE-FORWARD -m comment --comment "kubernetes forwarding conntrack rule" -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT`,
  );
  nat.push(
    `-A KUBE-POSTROUTING -m mark ! --mark ${MASQ_MARK} -j RETURN`,
    `-A KUBE-POSTROUTING -j MARK --xor-mark 0x4000`,
    `-A KUBE-POSTROUTING -m comment --comment "kubernetes service traffic requiring SNAT" -j MASQUERADE --random-fully`,
    `-A KUBE-MARK-MASQ -j MARK --or-mark 0x4000`,
  );
  const cidr = model.clusterCIDR && familyOf(model.clusterCIDR.split("/")[0]!) === family ? model.clusterCIDR : undefined;

  for (const sp of model.services) {
    const ips = sp.clusterIPs.filter((ip) => familyOf(ip) === family);
    if (!ips.length) continue;
    const all = usableEndpoints(sp.endpoints, false).filter((e) => familyOf(e.ip) === family);
    const local = usableEndpoints(sp.endpoints, true).filter((e) => familyOf(e.ip) === family);
    const svc = svcChain(sp);
    const svl = svlChain(sp);
    const ext = extChain(sp);
    const external = [...sp.externalIPs, ...sp.loadBalancerIPs].filter((ip) => familyOf(ip) === family);
    const hasExternal = sp.nodePort !== undefined || external.length > 0;
    const internalEps = sp.internalPolicyLocal ? local : all;
    const externalEps = sp.externalPolicyLocal ? local : all;

    // Endpoint chains: masquerade hairpin traffic, remember the client for affinity, DNAT.
    const sepOf = new Map<string, string>();
    for (const ep of new Set([...all, ...local])) {
      const sep = sepChain(sp, ep.ip, ep.port);
      sepOf.set(`${ep.ip}:${ep.port}`, sep);
      chains.add(sep);
      nat.push(`-A ${sep} ${comment(sp)} -s ${ep.ip}${host} -j KUBE-MARK-MASQ`);
      const recent = sp.affinitySeconds !== undefined ? ` -m recent --name ${sep} --mask ${family === 4 ? "255.255.255.255" : "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff"} --rsource --set` : "";
      nat.push(`-A ${sep} ${comment(sp)}${recent} ${proto(sp)} -j DNAT --to-destination ${family === 4 ? ep.ip : `[${ep.ip}]`}:${ep.port}`);
    }
    const spread = (chain: string, eps: typeof all) => {
      if (sp.affinitySeconds !== undefined) {
        for (const ep of eps) {
          const sep = sepOf.get(`${ep.ip}:${ep.port}`)!;
          nat.push(`-A ${chain} ${comment(sp, " -> " + ep.ip + ":" + ep.port)} -m recent --name ${sep} --rcheck --seconds ${sp.affinitySeconds} --reap -j ${sep}`);
        }
      }
      // The i-th of n endpoints takes 1/(n-i) of what the earlier ones left: an even spread.
      eps.forEach((ep, i) => {
        const sep = sepOf.get(`${ep.ip}:${ep.port}`)!;
        const left = eps.length - i;
        const stat = left > 1 ? ` -m statistic --mode random --probability ${(1 / left).toFixed(10)}` : "";
        nat.push(`-A ${chain} ${comment(sp, " -> " + ep.ip + ":" + ep.port)}${stat} -j ${sep}`);
      });
    };

    if (all.length) {
      chains.add(svc);
      for (const ip of ips) if (cidr) nat.push(`-A ${svc} ${comment(sp, " cluster IP")} ${proto(sp)} -d ${ip}${host} --dport ${sp.port} ! -s ${cidr} -j KUBE-MARK-MASQ`);
      spread(svc, all);
    }
    if ((sp.internalPolicyLocal || sp.externalPolicyLocal) && local.length) {
      chains.add(svl);
      spread(svl, local);
    }
    const internalTarget = sp.internalPolicyLocal ? (local.length ? svl : undefined) : all.length ? svc : undefined;
    for (const ip of ips) {
      if (internalTarget) nat.push(`-A KUBE-SERVICES ${comment(sp, " cluster IP")} ${proto(sp)} -d ${ip}${host} --dport ${sp.port} -j ${internalTarget}`);
      else filter.push(`-A KUBE-SERVICES ${comment(sp, " has no endpoints")} ${proto(sp)} -d ${ip}${host} --dport ${sp.port} -j REJECT`);
    }

    if (!hasExternal) continue;
    if (externalEps.length) {
      chains.add(ext);
      if (sp.externalPolicyLocal) {
        // Pods and the node itself may still use every endpoint; outside clients keep their source and go local.
        if (cidr) nat.push(`-A ${ext} -m comment --comment "pod traffic for ${sp.key} external destinations" -s ${cidr} -j ${svc}`);
        nat.push(`-A ${ext} -m comment --comment "masquerade LOCAL traffic for ${sp.key} external destinations" -m addrtype --src-type LOCAL -j KUBE-MARK-MASQ`);
        nat.push(`-A ${ext} -m comment --comment "route LOCAL traffic for ${sp.key} external destinations" -m addrtype --src-type LOCAL -j ${all.length ? svc : svl}`);
        nat.push(`-A ${ext} -j ${svl}`);
      } else {
        nat.push(`-A ${ext} -m comment --comment "masquerade traffic for ${sp.key} external destinations" -j KUBE-MARK-MASQ`);
        nat.push(`-A ${ext} -j ${svc}`);
      }
      for (const ip of external) nat.push(`-A KUBE-SERVICES ${comment(sp, " external IP")} ${proto(sp)} -d ${ip}${host} --dport ${sp.port} -j ${ext}`);
      if (sp.nodePort !== undefined) nat.push(`-A KUBE-NODEPORTS ${comment(sp)} ${proto(sp)} --dport ${sp.nodePort} -j ${ext}`);
    } else {
      for (const ip of external) filter.push(`-A KUBE-EXTERNAL-SERVICES ${comment(sp, " has no local endpoints")} ${proto(sp)} -d ${ip}${host} --dport ${sp.port} -j DROP`);
      if (sp.nodePort !== undefined) filter.push(`-A KUBE-NODEPORTS ${comment(sp, " has no local endpoints")} ${proto(sp)} --dport ${sp.nodePort} -j DROP`);
    }
  }
  // NodePorts last, so a ClusterIP rule never loses to them (upstream's order).
  const nodePortDst = model.nodePortAddresses.filter((a) => familyOf(a.split("/")[0]!) === family);
  if (nodePortDst.length) for (const a of nodePortDst) nat.push(`-A KUBE-SERVICES -m comment --comment "kubernetes service nodeports" -d ${a} -j KUBE-NODEPORTS`);
  else nat.push(`-A KUBE-SERVICES -m comment --comment "kubernetes service nodeports; NOTE: this must be the last rule in this chain" -m addrtype --dst-type LOCAL -j KUBE-NODEPORTS`);

  const dead = stale.filter((c) => !chains.has(c));
  const text = [
    "*filter",
    ...FILTER_CHAINS.map((c) => `:${c} - [0:0]`),
    ...filter,
    "COMMIT",
    "*nat",
    ...NAT_CHAINS.map((c) => `:${c} - [0:0]`),
    ...[...chains, ...dead].map((c) => `:${c} - [0:0]`),
    ...nat,
    ...dead.map((c) => `-X ${c}`),
    "COMMIT",
    "",
  ].join("\n");
  return { text, chains, rules: filter.length + nat.length };
}
