import { familyOf, usableEndpoints, type IpFamily, type ProxyModel, type ServicePort } from "../../../../core/proxy/index.js";
import { affinitySet, endpointChain, externalChain, localChain, serviceChain } from "./names.js";

export const TABLE = "kube-proxy";
const MARK = "0x4000";

/** What one service port contributes: its chains and sets (with their statements) and its map elements. */
export interface ServiceRules {
  chains: Map<string, string[]>;
  sets: Map<string, number>;
  ipElements: string[];
  nodePortElements: string[];
}

const q = (name: string) => name;

/** The table's fixed skeleton: hooks, masquerading, the dispatch maps (upstream's layout). */
export function skeleton(family: IpFamily, model: ProxyModel): string[] {
  const t = `${family === 4 ? "ip" : "ip6"} ${TABLE}`;
  const addr = family === 4 ? "ipv4_addr" : "ipv6_addr";
  const ipk = family === 4 ? "ip" : "ip6";
  const loopback = family === 4 ? "127.0.0.0/8" : "::1";
  const nodePorts = model.nodePortAddresses.filter((a) => familyOf(a.split("/")[0]!) === family);
  return [
    `add table ${t} { comment "rules for kube-proxy" ; }`,
    `add chain ${t} mark-for-masquerade`,
    `add rule ${t} mark-for-masquerade mark set mark or ${MARK}`,
    `add chain ${t} masquerading`,
    `add rule ${t} masquerading mark and ${MARK} == 0 return`,
    `add rule ${t} masquerading mark set mark xor ${MARK}`,
    `add rule ${t} masquerading masquerade fully-random`,
    `add chain ${t} reject-chain { comment "helper for @no-endpoint-services" ; }`,
    `add rule ${t} reject-chain reject`,
    `add map ${t} service-ips { type ${addr} . inet_proto . inet_service : verdict ; comment "ClusterIP, ExternalIP and LoadBalancer IP traffic" ; }`,
    `add map ${t} service-nodeports { type inet_proto . inet_service : verdict ; comment "NodePort traffic" ; }`,
    `add chain ${t} services`,
    `add rule ${t} services ${ipk} daddr . meta l4proto . th dport vmap @service-ips`,
    nodePorts.length
      ? `add rule ${t} services ${ipk} daddr { ${nodePorts.join(", ")} } meta l4proto . th dport vmap @service-nodeports`
      : `add rule ${t} services fib daddr type local ${ipk} daddr != ${loopback} meta l4proto . th dport vmap @service-nodeports`,
    `add chain ${t} nat-prerouting { type nat hook prerouting priority dstnat ; }`,
    `add rule ${t} nat-prerouting jump services`,
    `add chain ${t} nat-output { type nat hook output priority -100 ; }`,
    `add rule ${t} nat-output jump services`,
    `add chain ${t} nat-postrouting { type nat hook postrouting priority srcnat ; }`,
    `add rule ${t} nat-postrouting jump masquerading`,
    `add chain ${t} filter-forward { type filter hook forward priority -110 ; }`,
    `add rule ${t} filter-forward ct state invalid drop`,
  ];
}

/** One service port's chains, affinity sets and map elements for a family. */
export function serviceRules(sp: ServicePort, family: IpFamily, clusterCIDR: string | undefined): ServiceRules {
  const out: ServiceRules = { chains: new Map(), sets: new Map(), ipElements: [], nodePortElements: [] };
  const ips = sp.clusterIPs.filter((ip) => familyOf(ip) === family);
  if (!ips.length) return out;
  const ipk = family === 4 ? "ip" : "ip6";
  const l4 = sp.protocol.toLowerCase();
  const all = usableEndpoints(sp.endpoints, false).filter((e) => familyOf(e.ip) === family);
  const local = usableEndpoints(sp.endpoints, true).filter((e) => familyOf(e.ip) === family);
  const cidr = clusterCIDR && familyOf(clusterCIDR.split("/")[0]!) === family ? clusterCIDR : undefined;

  for (const ep of new Set([...all, ...local])) {
    const chain = endpointChain(sp, ep.ip, ep.port);
    const rules = [`${ipk} saddr ${ep.ip} jump mark-for-masquerade`];
    if (sp.affinitySeconds !== undefined) {
      const set = affinitySet(sp, ep.ip, ep.port);
      out.sets.set(set, sp.affinitySeconds);
      rules.push(`update @${q(set)} { ${ipk} saddr }`);
    }
    rules.push(`meta l4proto ${l4} dnat to ${family === 4 ? ep.ip : `[${ep.ip}]`}:${ep.port}`);
    out.chains.set(chain, rules);
  }
  const spread = (eps: typeof all): string[] => {
    const rules: string[] = [];
    if (sp.affinitySeconds !== undefined) {
      for (const ep of eps) rules.push(`${ipk} saddr @${q(affinitySet(sp, ep.ip, ep.port))} goto ${q(endpointChain(sp, ep.ip, ep.port))}`);
    }
    // The i-th of n endpoints takes 1/(n-i) of what is left, as iptables' statistic cascade: an
    // anonymous `numgen … vmap` per service makes the kernel's commit grow with the square of the
    // number of services (3,000 services: 11 s of kernel time against 0.8 s this way).
    eps.forEach((ep, i) => {
      const left = eps.length - i;
      rules.push(`${left > 1 ? `numgen random mod ${left} == 0 ` : ""}goto ${q(endpointChain(sp, ep.ip, ep.port))}`);
    });
    return rules;
  };
  const svc = serviceChain(sp);
  const svl = localChain(sp);
  if (all.length) {
    const masq = cidr ? ips.map((ip) => `${ipk} daddr ${ip} ${l4} dport ${sp.port} ${ipk} saddr != ${cidr} jump mark-for-masquerade`) : [];
    out.chains.set(svc, [...masq, ...spread(all)]);
  }
  if ((sp.internalPolicyLocal || sp.externalPolicyLocal) && local.length) out.chains.set(svl, spread(local));

  const internal = sp.internalPolicyLocal ? (local.length ? svl : undefined) : all.length ? svc : undefined;
  for (const ip of ips) out.ipElements.push(`${ip} . ${l4} . ${sp.port} : goto ${internal ? q(internal) : "reject-chain"}`);

  const external = [...sp.externalIPs, ...sp.loadBalancerIPs].filter((ip) => familyOf(ip) === family);
  if (sp.nodePort === undefined && !external.length) return out;
  const extEps = sp.externalPolicyLocal ? local : all;
  let target = "reject-chain";
  if (extEps.length) {
    const ext = externalChain(sp);
    target = q(ext);
    out.chains.set(
      ext,
      sp.externalPolicyLocal
        ? [
            ...(cidr ? [`${ipk} saddr ${cidr} goto ${q(all.length ? svc : svl)}`] : []),
            `fib saddr type local jump mark-for-masquerade`,
            `fib saddr type local goto ${q(all.length ? svc : svl)}`,
            `goto ${q(svl)}`,
          ]
        : [`jump mark-for-masquerade`, `goto ${q(svc)}`],
    );
  }
  for (const ip of external) out.ipElements.push(`${ip} . ${l4} . ${sp.port} : goto ${target}`);
  if (sp.nodePort !== undefined) out.nodePortElements.push(`${l4} . ${sp.nodePort} : goto ${target}`);
  return out;
}

/** Statements declaring and filling one service port's chains and sets. */
export function declare(t: string, r: ServiceRules, lines: string[]): number {
  let n = 0;
  for (const [set, timeout] of r.sets) lines.push(`add set ${t} ${q(set)} { type ${t.startsWith("ip6") ? "ipv6_addr" : "ipv4_addr"} ; flags dynamic,timeout ; timeout ${timeout}s ; }`);
  // Endpoint chains first: a service chain's vmap must name chains that exist.
  const entries = [...r.chains].sort(([a], [b]) => (a.startsWith("endpoint-") === b.startsWith("endpoint-") ? 0 : a.startsWith("endpoint-") ? -1 : 1));
  for (const [chain] of entries) lines.push(`add chain ${t} ${q(chain)}`);
  for (const [chain, rules] of entries) {
    for (const rule of rules) lines.push(`add rule ${t} ${q(chain)} ${rule}`);
    n += rules.length;
  }
  return n;
}
