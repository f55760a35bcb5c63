import type { Answer, Question } from "dns-packet";
import { isIP } from "node:net";

/** A Service as DNS needs it. */
export interface ServiceRecord {
  namespace: string;
  name: string;
  /** ClusterIPs; empty for headless and ExternalName services. */
  clusterIPs: string[];
  headless: boolean;
  externalName?: string;
  ports: { name: string; protocol: string; port: number }[];
}

/** One endpoint of a headless Service, from its EndpointSlices. */
export interface EndpointRecord {
  addresses: string[];
  hostname?: string;
  ports: { name: string; protocol: string; port: number }[];
}

/** What the zone reads: the cluster's Services and the endpoints DNS may publish for them. */
export interface ClusterView {
  service(namespace: string, name: string): ServiceRecord | undefined;
  /** Ready endpoints (all of them when the Service publishes not-ready addresses). */
  endpoints(namespace: string, name: string): EndpointRecord[];
  hasNamespaceServices(namespace: string): boolean;
  services(): Iterable<ServiceRecord>;
}

export interface Reply {
  rcode: "NOERROR" | "NXDOMAIN";
  answers: Answer[];
  authorities: Answer[];
  additionals: Answer[];
}

/**
 * The records of the Kubernetes DNS specification (kubernetes/dns docs/specification.md,
 * version 1.1.0) under one cluster domain: Service A/AAAA, headless endpoints and their
 * hostnames, SRV per named port, ExternalName CNAMEs, pod names from dashed IPs, and PTR for
 * ClusterIPs and headless endpoints. `answer` gives undefined for a name it is not
 * authoritative for, which the server forwards.
 */
export class ClusterZone {
  private readonly suffix: string;

  constructor(
    private readonly domain: string,
    private readonly view: ClusterView,
    private readonly ttl: number,
  ) {
    this.suffix = "." + domain;
  }

  answer(q: Question): Reply | undefined {
    const name = q.name.toLowerCase().replace(/\.$/, "");
    if (name.endsWith(".in-addr.arpa") || name.endsWith(".ip6.arpa")) return q.type === "PTR" ? this.reverse(name) : undefined;
    if (name !== this.domain && !name.endsWith(this.suffix)) return undefined;
    const labels = name === this.domain ? [] : name.slice(0, -this.suffix.length).split(".");
    if (labels.length === 0) return q.type === "SOA" ? this.reply([this.soa()]) : this.nodata();
    if (labels.length === 1 && labels[0] === "dns-version") return q.type === "TXT" ? this.reply([{ name: q.name, type: "TXT", ttl: this.ttl, data: ["1.1.0"] }]) : this.nodata();
    const kind = labels[labels.length - 1];
    if (kind === "svc") return this.serviceName(q, labels.slice(0, -1));
    if (kind === "pod" && labels.length === 3) return this.podName(q, labels[0]!);
    if ((kind === "svc" || kind === "pod") && labels.length === 1) return this.nodata();
    return this.nxdomain();
  }

  private serviceName(q: Question, l: string[]): Reply {
    if (l.length === 1) return this.view.hasNamespaceServices(l[0]!) ? this.nodata() : this.nxdomain();
    if (l.length === 2) return this.service(q, l[1]!, l[0]!);
    if (l.length === 3) return this.endpointByName(q, l[2]!, l[1]!, l[0]!);
    if (l.length === 4 && l[0]!.startsWith("_") && l[1]!.startsWith("_")) return this.srv(q, l[3]!, l[2]!, l[0]!.slice(1), l[1]!.slice(1));
    return this.nxdomain();
  }

  private service(q: Question, namespace: string, name: string): Reply {
    const svc = this.view.service(namespace, name);
    if (!svc) return this.nxdomain();
    const fqdn = this.fqdn(svc);
    if (svc.externalName) {
      return q.type === "A" || q.type === "AAAA" || q.type === "CNAME" || (q.type as string) === "ANY" ? this.reply([{ name: fqdn, type: "CNAME", ttl: this.ttl, data: svc.externalName }]) : this.nodata();
    }
    if (q.type === "SRV") return this.srv(q, namespace, name);
    const family = q.type === "A" ? 4 : q.type === "AAAA" ? 6 : 0;
    if (!family) return this.nodata();
    const ips = svc.headless ? this.view.endpoints(namespace, name).flatMap((e) => e.addresses) : svc.clusterIPs;
    return this.addresses(fqdn, [...new Set(ips)].filter((ip) => isIP(ip) === family));
  }

  /** `<hostname>.<svc>.<ns>.svc`: a headless endpoint by its hostname, or by its dashed IP when it has none. */
  private endpointByName(q: Question, namespace: string, service: string, host: string): Reply {
    const svc = this.view.service(namespace, service);
    if (!svc || !svc.headless) return this.nxdomain();
    const ep = this.view.endpoints(namespace, service).find((e) => this.endpointLabel(e) === host);
    if (!ep) return this.nxdomain();
    const family = q.type === "A" ? 4 : q.type === "AAAA" ? 6 : 0;
    if (!family) return this.nodata();
    return this.addresses(`${host}.${this.fqdn(svc)}`, ep.addresses.filter((ip) => isIP(ip) === family));
  }

  /** SRV for a named port (`_http._tcp.<svc>.<ns>.svc`), or for every named port of the service. */
  private srv(q: Question, namespace: string, name: string, port?: string, protocol?: string): Reply {
    const svc = this.view.service(namespace, name);
    if (!svc || svc.externalName) return this.nxdomain();
    if (q.type !== "SRV") return this.nodata();
    const wanted = (p: { name: string; protocol: string }) => p.name !== "" && (port === undefined || (p.name.toLowerCase() === port && p.protocol.toLowerCase() === protocol));
    const answers: Answer[] = [];
    const additionals: Answer[] = [];
    const fqdn = this.fqdn(svc);
    if (!svc.headless) {
      for (const p of svc.ports.filter(wanted)) answers.push({ name: `_${p.name}._${p.protocol.toLowerCase()}.${fqdn}`, type: "SRV", ttl: this.ttl, data: { priority: 0, weight: 100, port: p.port, target: fqdn } });
      if (answers.length) additionals.push(...this.addressRecords(fqdn, svc.clusterIPs));
    } else {
      const endpoints = this.view.endpoints(namespace, name);
      const share = endpoints.length ? Math.floor(100 / endpoints.length) : 0;
      for (const ep of endpoints) {
        const target = `${this.endpointLabel(ep)}.${fqdn}`;
        const ports = ep.ports.filter(wanted);
        for (const p of ports) answers.push({ name: `_${p.name}._${p.protocol.toLowerCase()}.${fqdn}`, type: "SRV", ttl: this.ttl, data: { priority: 0, weight: share, port: p.port, target } });
        if (ports.length) additionals.push(...this.addressRecords(target, ep.addresses));
      }
    }
    if (!answers.length) return port === undefined ? this.nodata() : this.nxdomain();
    return { ...this.reply(answers), additionals };
  }

  /** `<a-b-c-d>.<ns>.pod`: the address spelled in the name, as CoreDNS's `pods insecure` answers. */
  private podName(q: Question, dashed: string): Reply {
    const v4 = dashed.replace(/-/g, ".");
    const v6 = dashed.replace(/-/g, ":");
    const ip = isIP(v4) === 4 ? v4 : isIP(v6) === 6 ? v6 : undefined;
    if (!ip) return this.nxdomain();
    const family = q.type === "A" ? 4 : q.type === "AAAA" ? 6 : 0;
    return family === isIP(ip) ? this.addresses(q.name.replace(/\.$/, ""), [ip]) : this.nodata();
  }

  /** PTR of a ClusterIP (the Service's name) or of a headless endpoint (its hostname under the Service). */
  private reverse(name: string): Reply | undefined {
    const ip = ipOfReverseName(name);
    if (!ip) return undefined;
    const names: string[] = [];
    for (const svc of this.view.services()) {
      if (svc.clusterIPs.includes(ip)) names.push(this.fqdn(svc));
      if (svc.headless) {
        for (const ep of this.view.endpoints(svc.namespace, svc.name)) if (ep.addresses.includes(ip)) names.push(`${this.endpointLabel(ep)}.${this.fqdn(svc)}`);
      }
    }
    if (!names.length) return undefined;
    return this.reply(names.map((data) => ({ name, type: "PTR", ttl: this.ttl, data })));
  }

  private endpointLabel(ep: EndpointRecord): string {
    return ep.hostname ?? ep.addresses[0]!.replace(/[.:]/g, "-");
  }

  private fqdn(svc: ServiceRecord): string {
    return `${svc.name}.${svc.namespace}.svc.${this.domain}`;
  }

  private addresses(name: string, ips: string[]): Reply {
    return ips.length ? this.reply(this.addressRecords(name, ips)) : this.nodata();
  }

  private addressRecords(name: string, ips: string[]): Answer[] {
    return ips.map((ip) => ({ name, type: isIP(ip) === 6 ? "AAAA" : "A", ttl: this.ttl, data: ip }) as Answer);
  }

  private reply(answers: Answer[]): Reply {
    return { rcode: "NOERROR", answers, authorities: [], additionals: [] };
  }

  /** The name exists but has no record of the asked type: NOERROR with the zone's SOA, for negative caching. */
  private nodata(): Reply {
    return { rcode: "NOERROR", answers: [], authorities: [this.soa()], additionals: [] };
  }

  private nxdomain(): Reply {
    return { rcode: "NXDOMAIN", answers: [], authorities: [this.soa()], additionals: [] };
  }

  private soa(): Answer {
    return {
      name: this.domain,
      type: "SOA",
      ttl: this.ttl,
      data: { mname: `ns.dns.${this.domain}`, rname: `hostmaster.${this.domain}`, serial: 1, refresh: 7200, retry: 1800, expire: 86400, minimum: this.ttl },
    };
  }
}

/** The address a reverse name spells: `4.3.2.1.in-addr.arpa` or 32 nibbles under `ip6.arpa`. */
export function ipOfReverseName(name: string): string | undefined {
  if (name.endsWith(".in-addr.arpa")) {
    const parts = name.slice(0, -".in-addr.arpa".length).split(".");
    const ip = parts.reverse().join(".");
    return parts.length === 4 && isIP(ip) === 4 ? ip : undefined;
  }
  const nibbles = name.slice(0, -".ip6.arpa".length).split(".");
  if (nibbles.length !== 32 || nibbles.some((n) => !/^[0-9a-f]$/.test(n))) return undefined;
  const hex = nibbles.reverse().join("");
  const groups = hex.match(/.{4}/g)!.map((g) => g.replace(/^0+(?=.)/, ""));
  return canonicalV6(groups.join(":"));
}

/** IPv6 as Kubernetes writes it (compressed, lower case), so reverse lookups compare equal. */
function canonicalV6(ip: string): string {
  try {
    return new URL(`http://[${ip}]/`).hostname.slice(1, -1);
  } catch {
    return ip;
  }
}
