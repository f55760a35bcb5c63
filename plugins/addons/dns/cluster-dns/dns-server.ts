import { createSocket, type Socket as UdpSocket } from "node:dgram";
import { createServer, isIP, type Server, type Socket } from "node:net";
import dnsPacket, { type Answer, type Packet } from "dns-packet";
import type { Counter, Histogram } from "prom-client";
import type { Logger } from "../../../../core/kernel/logging.js";
import type { Forwarder } from "./forwarder.js";
import type { ClusterZone } from "./zone.js";

const RCODE = { NOERROR: 0, FORMERR: 1, SERVFAIL: 2, NXDOMAIN: 3, NOTIMP: 4 } as const;
type Rcode = keyof typeof RCODE;
/** The largest UDP answer without EDNS (RFC 1035); a longer one is sent truncated so the client asks over TCP. */
const PLAIN_UDP_LIMIT = 512;

export interface DnsMetrics {
  requests: Counter<"proto" | "type">;
  responses: Counter<"rcode">;
  duration: Histogram<"proto">;
}

/**
 * The cluster DNS server on UDP and TCP (same port): the cluster zone answers what is under
 * the cluster domain (and the PTRs it knows); everything else is forwarded.
 */
export class DnsServer {
  private udp: UdpSocket | undefined;
  private tcp: Server | undefined;
  private readonly conns = new Set<Socket>();

  constructor(
    private readonly zone: ClusterZone,
    private readonly forwarder: Forwarder,
    private readonly metrics: DnsMetrics,
    private readonly logger: Logger,
  ) {}

  /** Binds UDP, then TCP on the same port (the one UDP got when `port` is 0). */
  async listen(address: string, port: number): Promise<{ address: string; port: number }> {
    const udp = createSocket({ type: isIP(address) === 6 ? "udp6" : "udp4", reuseAddr: false });
    await new Promise<void>((resolve, reject) => {
      udp.once("error", reject);
      udp.bind(port, address, () => {
        udp.off("error", reject);
        resolve();
      });
    });
    this.udp = udp;
    const bound = udp.address().port;
    udp.on("message", (msg, rinfo) => void this.onUdp(msg, rinfo.address, rinfo.port));
    udp.on("error", (err) => this.logger.warn({ err: err.message }, "DNS UDP socket error"));
    const tcp = createServer((socket) => this.onTcp(socket));
    await new Promise<void>((resolve, reject) => {
      tcp.once("error", reject);
      tcp.listen(bound, address, () => {
        tcp.off("error", reject);
        resolve();
      });
    }).catch((err: Error) => {
      udp.close();
      throw err;
    });
    this.tcp = tcp;
    return { address, port: bound };
  }

  async close(): Promise<void> {
    this.udp?.close();
    for (const c of this.conns) c.destroy();
    await new Promise<void>((resolve) => (this.tcp ? this.tcp.close(() => resolve()) : resolve()));
  }

  /** One query in, one answer out (undefined: nothing can be said, e.g. not even a header). */
  async handle(msg: Buffer, proto: "udp" | "tcp"): Promise<Buffer | undefined> {
    const end = this.metrics.duration.startTimer({ proto });
    try {
      let query: Packet;
      try {
        query = dnsPacket.decode(msg);
      } catch {
        return msg.length >= 12 ? this.error(msg.readUInt16BE(0), "FORMERR") : undefined;
      }
      const q = query.questions?.[0];
      if (!q || query.type === "response" || (query.questions?.length ?? 0) > 1) return this.error(query.id ?? 0, "FORMERR");
      this.metrics.requests.inc({ proto, type: q.type });
      const reply = this.zone.answer(q);
      if (reply) return this.encode(query, reply.rcode, reply.answers, reply.authorities, reply.additionals, true, proto);
      const forwarded = this.forwarder.configured ? await this.forwarder.forward(msg) : undefined;
      if (forwarded) {
        this.metrics.responses.inc({ rcode: rcodeName(forwarded) });
        return forwarded;
      }
      return this.encode(query, "SERVFAIL", [], [], [], false, proto);
    } finally {
      end();
    }
  }

  private encode(query: Packet, rcode: Rcode, answers: Answer[], authorities: Answer[], additionals: Answer[], authoritative: boolean, proto: "udp" | "tcp"): Buffer {
    this.metrics.responses.inc({ rcode });
    const opt = query.additionals?.find((a) => a.type === "OPT") as { udpPayloadSize?: number } | undefined;
    const flags = (authoritative ? dnsPacket.AUTHORITATIVE_ANSWER : 0) | ((query.flags ?? 0) & dnsPacket.RECURSION_DESIRED) | dnsPacket.RECURSION_AVAILABLE | RCODE[rcode];
    const ednsAnswer = opt ? [{ type: "OPT", name: ".", udpPayloadSize: 1232, extendedRcode: 0, ednsVersion: 0, flags: 0, options: [] } as unknown as Answer] : [];
    const packet: Packet = { id: query.id ?? 0, type: "response", flags, questions: query.questions ?? [], answers, authorities, additionals: [...additionals, ...ednsAnswer] };
    const out = dnsPacket.encode(packet);
    const limit = opt ? Math.max(PLAIN_UDP_LIMIT, opt.udpPayloadSize ?? 0) : PLAIN_UDP_LIMIT;
    if (proto === "udp" && out.length > limit) {
      return dnsPacket.encode({ ...packet, flags: flags | dnsPacket.TRUNCATED_RESPONSE, answers: [], authorities: [], additionals: ednsAnswer });
    }
    return out;
  }

  private error(id: number, rcode: Rcode): Buffer {
    this.metrics.responses.inc({ rcode });
    return dnsPacket.encode({ id, type: "response", flags: dnsPacket.RECURSION_AVAILABLE | RCODE[rcode], questions: [] });
  }

  private async onUdp(msg: Buffer, address: string, port: number): Promise<void> {
    try {
      const out = await this.handle(msg, "udp");
      if (out) this.udp?.send(out, port, address);
    } catch (err) {
      this.logger.warn({ err: (err as Error).message }, "DNS query failed");
    }
  }

  /** TCP: messages with a two-byte length in front, several per connection. */
  private onTcp(socket: Socket): void {
    this.conns.add(socket);
    socket.setTimeout(10_000, () => socket.destroy());
    socket.on("close", () => this.conns.delete(socket));
    socket.on("error", () => socket.destroy());
    let buffered = Buffer.alloc(0);
    socket.on("data", (chunk: Buffer) => {
      buffered = Buffer.concat([buffered, chunk]);
      while (buffered.length >= 2 && buffered.length >= 2 + buffered.readUInt16BE(0)) {
        const msg = buffered.subarray(2, 2 + buffered.readUInt16BE(0));
        buffered = buffered.subarray(2 + msg.length);
        void this.handle(Buffer.from(msg), "tcp").then((out) => {
          if (!out || socket.destroyed) return;
          const len = Buffer.alloc(2);
          len.writeUInt16BE(out.length);
          socket.write(Buffer.concat([len, out]));
        });
      }
    });
  }
}

function rcodeName(msg: Buffer): string {
  const code = msg.length >= 4 ? msg.readUInt16BE(2) & 0xf : 2;
  return (Object.keys(RCODE) as Rcode[]).find((k) => RCODE[k] === code) ?? String(code);
}
