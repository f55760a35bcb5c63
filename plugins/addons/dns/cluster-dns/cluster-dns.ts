import { networkInterfaces } from "node:os";
import type { AddOn, AddonsHandle } from "../../../../core/addons/index.js";
import { Resources } from "../../../../core/client/index.js";
import type { ClusterDnsArgs as Written } from "../../../../schemas/generated/plugins/addons/cluster-dns.args.js";
import { BY_SERVICE, bySlicesService, InformerClusterView, type EndpointSlice, type Service } from "./cluster-view.js";
import { DnsServer } from "./dns-server.js";
import { Forwarder, parseUpstream, resolvConfServers } from "./forwarder.js";
import { KubeDnsService } from "./kube-dns-service.js";
import { ClusterZone } from "./zone.js";

export type ClusterDnsArgs = Required<Omit<Written, "advertiseAddress" | "upstreamServers">> & Pick<Written, "advertiseAddress" | "upstreamServers">;

/** The cluster DNS add-on: a zone over the Service and EndpointSlice informers, served on UDP and TCP. */
export class ClusterDns implements AddOn {
  private server: DnsServer | undefined;
  private listening: { address: string; port: number } | undefined;
  private kubeDns: KubeDnsService | undefined;
  private done: Promise<void> = Promise.resolve();

  constructor(
    private readonly args: ClusterDnsArgs,
    private readonly handle: AddonsHandle,
  ) {}

  banner(): string[] {
    if (!this.listening) return [];
    const svc = this.args.serviceIP ? ` (Service kube-system/kube-dns ${this.args.serviceIP})` : "";
    return [`cluster DNS: ${this.listening.address}:${this.listening.port} udp+tcp for ${this.args.clusterDomain}${svc}`];
  }

  async run(signal: AbortSignal): Promise<void> {
    const { handle, args } = this;
    const services = handle.informers.informerFor<Service>(Resources.services);
    const slices = handle.informers.informerFor<EndpointSlice>(Resources.endpointSlices);
    slices.addIndexers({ [BY_SERVICE]: bySlicesService });
    const zone = new ClusterZone(args.clusterDomain, new InformerClusterView(services.store, slices.store), args.ttl);
    const upstreams = args.upstreamServers ? args.upstreamServers.map(parseUpstream) : resolvConfServers();
    const m = handle.metrics;
    const server = new DnsServer(
      zone,
      new Forwarder(upstreams, args.forwardTimeoutMs),
      {
        requests: m.counter({ name: "coredns_dns_requests_total", help: "DNS queries received", labelNames: ["proto", "type"] }),
        responses: m.counter({ name: "coredns_dns_responses_total", help: "DNS answers sent, by response code", labelNames: ["rcode"] }),
        duration: m.histogram({ name: "coredns_dns_request_duration_seconds", help: "Time to answer a DNS query", labelNames: ["proto"], buckets: [0.00025, 0.001, 0.004, 0.016, 0.064, 0.256, 1, 4] }),
      },
      handle.logger,
    );
    // Answers need the caches: a server up before them would say NXDOMAIN for names that exist.
    await Promise.all([services.waitForSync(signal), slices.waitForSync(signal)]);
    if (signal.aborted) return;
    this.listening = await server.listen(args.bindAddress, args.port);
    this.server = server;
    handle.logger.info({ ...this.listening, domain: args.clusterDomain, upstreams }, "cluster DNS serving");
    if (args.serviceIP) {
      this.kubeDns = new KubeDnsService(handle.client, handle.logger, { serviceIP: args.serviceIP, address: args.advertiseAddress ?? advertised(args.bindAddress), port: this.listening.port });
      await this.kubeDns.ensure().catch((err) => handle.logger.warn({ err: (err as Error).message }, "could not publish the kube-dns Service; pods reach the server only by its address"));
    }
    this.done = new Promise<void>((resolve) => signal.addEventListener("abort", () => void this.shutdown().then(resolve), { once: true }));
  }

  stopped(): Promise<void> {
    return this.done;
  }

  private async shutdown(): Promise<void> {
    await this.kubeDns?.withdraw();
    await this.server?.close();
  }
}

/** The address the EndpointSlice names: the bind address, or the host's first non-loopback IPv4 for a wildcard. */
function advertised(bind: string): string {
  if (bind !== "0.0.0.0" && bind !== "::") return bind;
  for (const list of Object.values(networkInterfaces())) for (const a of list ?? []) if (a.family === "IPv4" && !a.internal) return a.address;
  return "127.0.0.1";
}
