import { createSocket } from "node:dgram";
import { Resolver } from "node:dns/promises";
import dnsPacket, { type Question } from "dns-packet";
import { Registry } from "prom-client";
import { afterEach, describe, expect, it } from "vitest";
import { ClusterZone, ipOfReverseName, type ClusterView, type EndpointRecord, type ServiceRecord } from "../../../plugins/addons/dns/cluster-dns/zone.js";
import { DnsServer } from "../../../plugins/addons/dns/cluster-dns/dns-server.js";
import { Forwarder, parseUpstream } from "../../../plugins/addons/dns/cluster-dns/forwarder.js";
import { MetricsScope } from "../../../core/kernel/metrics.js";
import { silentLogger } from "../../../core/kernel/logging.js";

const services: ServiceRecord[] = [
  { namespace: "default", name: "web", clusterIPs: ["10.96.0.20", "fd00::20"], headless: false, ports: [{ name: "http", protocol: "TCP", port: 80 }, { name: "", protocol: "UDP", port: 53 }] },
  { namespace: "default", name: "db", clusterIPs: [], headless: true, ports: [{ name: "pg", protocol: "TCP", port: 5432 }] },
  { namespace: "prod", name: "ext", clusterIPs: [], headless: false, externalName: "db.example.org", ports: [] },
];
const endpoints: Record<string, EndpointRecord[]> = {
  "default/db": [
    { addresses: ["10.244.0.5"], hostname: "db-0", ports: [{ name: "pg", protocol: "TCP", port: 5432 }] },
    { addresses: ["10.244.0.6"], ports: [{ name: "pg", protocol: "TCP", port: 5432 }] },
  ],
};
const view: ClusterView = {
  service: (ns, name) => services.find((s) => s.namespace === ns && s.name === name),
  endpoints: (ns, name) => endpoints[`${ns}/${name}`] ?? [],
  hasNamespaceServices: (ns) => services.some((s) => s.namespace === ns),
  services: () => services,
};
const zone = new ClusterZone("cluster.local", view, 5);
const ask = (name: string, type: Question["type"]) => zone.answer({ name, type, class: "IN" });
const data = (name: string, type: Question["type"]) => ask(name, type)?.answers.map((a) => (a as { data: unknown }).data);

describe("cluster DNS zone (the Kubernetes DNS specification 1.1.0)", () => {
  it.each([
    ["web.default.svc.cluster.local", "A", ["10.96.0.20"]],
    ["web.default.svc.cluster.local.", "AAAA", ["fd00::20"]],
    ["WEB.Default.svc.cluster.local", "A", ["10.96.0.20"]],
    ["db.default.svc.cluster.local", "A", ["10.244.0.5", "10.244.0.6"]],
    ["db-0.db.default.svc.cluster.local", "A", ["10.244.0.5"]],
    ["10-244-0-6.db.default.svc.cluster.local", "A", ["10.244.0.6"]],
    ["ext.prod.svc.cluster.local", "A", ["db.example.org"]],
    ["10-244-1-7.default.pod.cluster.local", "A", ["10.244.1.7"]],
    ["dns-version.cluster.local", "TXT", [["1.1.0"]]],
  ] as const)("%s %s", (name, type, want) => {
    expect(data(name, type)).toEqual(want);
    expect(ask(name, type)!.rcode).toBe("NOERROR");
  });

  it("answers SRV per named port: the service's name for a ClusterIP, each endpoint for a headless one", () => {
    expect(data("_http._tcp.web.default.svc.cluster.local", "SRV")).toEqual([{ priority: 0, weight: 100, port: 80, target: "web.default.svc.cluster.local" }]);
    expect(ask("_http._tcp.web.default.svc.cluster.local", "SRV")!.additionals.map((a) => (a as { data: string }).data)).toEqual(["10.96.0.20", "fd00::20"]);
    expect(data("_pg._tcp.db.default.svc.cluster.local", "SRV")).toEqual([
      { priority: 0, weight: 50, port: 5432, target: "db-0.db.default.svc.cluster.local" },
      { priority: 0, weight: 50, port: 5432, target: "10-244-0-6.db.default.svc.cluster.local" },
    ]);
    expect(ask("_nope._tcp.web.default.svc.cluster.local", "SRV")!.rcode).toBe("NXDOMAIN");
  });

  it("tells a missing name (NXDOMAIN) from a name without that type (NOERROR, no answer), with the zone's SOA", () => {
    for (const name of ["nope.default.svc.cluster.local", "web.other.svc.cluster.local", "a.b.c.d.e.svc.cluster.local", "x-y.default.pod.cluster.local", "web.default.cluster.local"]) {
      const r = ask(name, "A")!;
      expect([name, r.rcode, r.answers]).toEqual([name, "NXDOMAIN", []]);
      expect(r.authorities[0]).toMatchObject({ type: "SOA", name: "cluster.local", data: { mname: "ns.dns.cluster.local", minimum: 5 } });
    }
    expect(ask("web.default.svc.cluster.local", "MX")).toMatchObject({ rcode: "NOERROR", answers: [] });
    expect(ask("default.svc.cluster.local", "A")).toMatchObject({ rcode: "NOERROR", answers: [] });
  });

  it("answers PTR for ClusterIPs and headless endpoints, and leaves other reverse names and other zones to forwarding", () => {
    expect(data("20.0.96.10.in-addr.arpa", "PTR")).toEqual(["web.default.svc.cluster.local"]);
    expect(data("5.0.244.10.in-addr.arpa", "PTR")).toEqual(["db-0.db.default.svc.cluster.local"]);
    const v6 = "0.2.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.d.f.ip6.arpa";
    expect(ipOfReverseName(v6)).toBe("fd00::20");
    expect(data(v6, "PTR")).toEqual(["web.default.svc.cluster.local"]);
    expect(ask("9.9.9.9.in-addr.arpa", "PTR")).toBeUndefined();
    expect(ask("example.org", "A")).toBeUndefined();
    expect(ask("notcluster.local", "A")).toBeUndefined();
  });
});

describe("cluster DNS server", () => {
  const closers: (() => unknown)[] = [];
  afterEach(async () => {
    for (const c of closers.splice(0)) await c();
  });

  const metrics = () => {
    const m = new MetricsScope(new Registry());
    return {
      requests: m.counter({ name: "q", help: "q", labelNames: ["proto", "type"] }),
      responses: m.counter({ name: "r", help: "r", labelNames: ["rcode"] }),
      duration: m.histogram({ name: "d", help: "d", labelNames: ["proto"] }),
    };
  };

  /** A fake upstream resolver answering every A query with 192.0.2.1. */
  async function upstream(): Promise<string> {
    const s = createSocket("udp4");
    s.on("message", (msg, r) => {
      const q = dnsPacket.decode(msg);
      s.send(dnsPacket.encode({ id: q.id, type: "response", flags: dnsPacket.RECURSION_AVAILABLE, questions: q.questions, answers: [{ name: q.questions![0]!.name, type: "A", ttl: 60, data: "192.0.2.1" }] }), r.port, r.address);
    });
    await new Promise<void>((r) => s.bind(0, "127.0.0.1", r));
    closers.push(() => s.close());
    return `127.0.0.1:${s.address().port}`;
  }

  async function serve(upstreams: string[]): Promise<{ server: DnsServer; resolver: Resolver }> {
    const server = new DnsServer(zone, new Forwarder(upstreams.map(parseUpstream), 500), metrics(), silentLogger());
    const { port } = await server.listen("127.0.0.1", 0);
    closers.push(() => server.close());
    const resolver = new Resolver({ timeout: 2000, tries: 1 });
    resolver.setServers([`127.0.0.1:${port}`]);
    return { server, resolver };
  }

  it("answers a real resolver over UDP for cluster names and forwards the rest", async () => {
    const { resolver } = await serve([await upstream()]);
    expect(await resolver.resolve4("web.default.svc.cluster.local")).toEqual(["10.96.0.20"]);
    expect(await resolver.resolve6("web.default.svc.cluster.local")).toEqual(["fd00::20"]);
    expect(await resolver.resolveSrv("_pg._tcp.db.default.svc.cluster.local")).toHaveLength(2);
    expect(await resolver.reverse("10.96.0.20")).toEqual(["web.default.svc.cluster.local"]);
    expect(await resolver.resolve4("example.org")).toEqual(["192.0.2.1"]);
    await expect(resolver.resolve4("nope.default.svc.cluster.local")).rejects.toMatchObject({ code: "ENOTFOUND" });
  });

  it("says SERVFAIL when no upstream answers, FORMERR to a broken query, and truncates long UDP answers", async () => {
    const { server, resolver } = await serve(["127.0.0.1:9"]);
    await expect(resolver.resolve4("example.org")).rejects.toMatchObject({ code: "ESERVFAIL" });
    const formerr = dnsPacket.decode((await server.handle(Buffer.from([0, 7, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0xff]), "udp"))!);
    expect([formerr.id, (formerr as { rcode?: string }).rcode]).toEqual([7, "FORMERR"]);
    for (let i = 0; i < 60; i++) endpoints["default/db"]!.push({ addresses: [`10.244.2.${i}`], ports: [] });
    try {
      const query = dnsPacket.encode({ id: 9, type: "query", flags: dnsPacket.RECURSION_DESIRED, questions: [{ name: "db.default.svc.cluster.local", type: "A", class: "IN" }] });
      const udp = dnsPacket.decode((await server.handle(query, "udp"))!);
      expect(udp.flag_tc).toBe(true);
      expect(udp.answers).toEqual([]);
      const tcp = dnsPacket.decode((await server.handle(query, "tcp"))!);
      expect(tcp.flag_tc).toBe(false);
      expect(tcp.answers).toHaveLength(62);
      expect(tcp.flag_aa).toBe(true);
      // A resolver falls back to TCP by itself on a truncated answer.
      expect(await resolver.resolve4("db.default.svc.cluster.local")).toHaveLength(62);
    } finally {
      endpoints["default/db"]!.splice(2);
    }
  });
});
