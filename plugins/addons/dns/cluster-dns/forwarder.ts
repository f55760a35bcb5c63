import { createSocket } from "node:dgram";
import { readFileSync } from "node:fs";
import { isIP } from "node:net";

export interface Upstream {
  address: string;
  port: number;
}

/** `ip`, `ip:port`, `[v6]:port` or a bare IPv6 address. */
export function parseUpstream(text: string): Upstream {
  const bracketed = /^\[([^\]]+)\](?::(\d+))?$/.exec(text);
  if (bracketed) return { address: bracketed[1]!, port: Number(bracketed[2] ?? 53) };
  if (isIP(text)) return { address: text, port: 53 };
  const i = text.lastIndexOf(":");
  return { address: text.slice(0, i), port: Number(text.slice(i + 1)) };
}

/** The nameservers of a resolv.conf, as the host resolves names. */
export function resolvConfServers(path = "/etc/resolv.conf"): Upstream[] {
  let text = "";
  try {
    text = readFileSync(path, "utf8");
  } catch {
    return [];
  }
  return [...text.matchAll(/^\s*nameserver\s+(\S+)/gm)].map((m) => ({ address: m[1]!.replace(/%.*$/, ""), port: 53 })).filter((u) => isIP(u.address));
}

/**
 * Relays a query the cluster zone does not answer to the upstream servers in turn, as
 * CoreDNS's `forward . /etc/resolv.conf` does: the message goes out as it came (same id),
 * and the first answer comes back as it is.
 */
export class Forwarder {
  constructor(
    private readonly upstreams: Upstream[],
    private readonly timeoutMs: number,
  ) {}

  get configured(): boolean {
    return this.upstreams.length > 0;
  }

  async forward(query: Buffer): Promise<Buffer | undefined> {
    for (const u of this.upstreams) {
      const answer = await this.ask(u, query).catch(() => undefined);
      if (answer) return answer;
    }
    return undefined;
  }

  private ask(u: Upstream, query: Buffer): Promise<Buffer> {
    return new Promise((resolve, reject) => {
      const socket = createSocket(isIP(u.address) === 6 ? "udp6" : "udp4");
      const timer = setTimeout(() => done(new Error(`no answer from ${u.address}:${u.port} in ${this.timeoutMs} ms`)), this.timeoutMs);
      const done = (err: Error | undefined, msg?: Buffer) => {
        clearTimeout(timer);
        socket.close();
        if (err) reject(err);
        else resolve(msg!);
      };
      socket.once("error", (err) => done(err));
      socket.once("message", (msg) => done(undefined, msg));
      socket.send(query, u.port, u.address);
    });
  }
}
