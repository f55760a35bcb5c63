import { connect as tlsConnect } from "node:tls";
import { isIP } from "node:net";
import type { ClientConfig } from "./config.js";
import { Http2Transport } from "./http2-transport.js";
import { HttpsTransport } from "./https-transport.js";
import type { Transport, TransportRequest, TransportResponse, TransportStream } from "./transport.js";

export type Protocol = "h2" | "http/1.1";

/** Asks the server by ALPN which protocol it speaks: `h2` when it offers HTTP/2, else HTTP/1.1. */
export function negotiateProtocol(config: ClientConfig): Promise<Protocol> {
  const url = new URL(config.server);
  if (url.protocol !== "https:") return Promise.resolve("http/1.1");
  const host = url.hostname.replace(/^\[|\]$/g, "");
  return new Promise((resolve, reject) => {
    const socket = tlsConnect({
      host,
      port: Number(url.port || 443),
      ...(isIP(host) ? {} : { servername: host }),
      ALPNProtocols: ["h2", "http/1.1"],
      ...(config.ca ? { ca: config.ca } : {}),
      ...(config.cert ? { cert: config.cert } : {}),
      ...(config.key ? { key: config.key } : {}),
      rejectUnauthorized: !config.insecureSkipTLSVerify,
    });
    socket.once("secureConnect", () => {
      const chosen = socket.alpnProtocol === "h2" ? "h2" : "http/1.1";
      socket.destroy();
      resolve(chosen);
    });
    socket.once("error", reject);
  });
}

/**
 * Picks HTTP/2 or HTTP/1.1 on first use, as client-go does through ALPN, and keeps the choice.
 * A failed negotiation (server not up yet) fails that call only; the next call asks again.
 */
export class NegotiatingTransport implements Transport {
  private chosen: Promise<Transport> | undefined;
  private current: Transport | undefined;

  constructor(private readonly config: ClientConfig) {}

  async request(req: TransportRequest): Promise<TransportResponse> {
    return (await this.transport()).request(req);
  }

  async stream(req: TransportRequest): Promise<TransportStream> {
    return (await this.transport()).stream(req);
  }

  /** The protocol in use, once a call has decided it. */
  protocol(): Protocol | undefined {
    return this.current instanceof Http2Transport ? "h2" : this.current ? "http/1.1" : undefined;
  }

  close(): void {
    this.current?.close();
  }

  private transport(): Promise<Transport> {
    this.chosen ??= negotiateProtocol(this.config).then(
      (p) => (this.current = p === "h2" ? new Http2Transport(this.config) : new HttpsTransport(this.config)),
      (err) => {
        this.chosen = undefined;
        throw err;
      },
    );
    return this.chosen;
  }
}
