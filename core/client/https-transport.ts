import { Agent as HttpAgent, request as httpRequest, type IncomingMessage } from "node:http";
import { Agent as HttpsAgent, request as httpsRequest } from "node:https";
import type { ClientConfig } from "./config.js";
import type { Transport, TransportRequest, TransportResponse, TransportStream } from "./transport.js";

/**
 * HTTP/1.1 over TLS with client certificates and keep-alive. Watches hold a socket each for
 * their lifetime, so the agent has no socket cap; idle sockets are reused by ordinary calls.
 */
export class HttpsTransport implements Transport {
  private readonly agent: HttpAgent;
  private readonly base: URL;
  private readonly secure: boolean;

  constructor(private readonly config: ClientConfig) {
    this.base = new URL(config.server);
    this.secure = this.base.protocol === "https:";
    this.agent = this.secure
      ? new HttpsAgent({
          keepAlive: true,
          ...(config.ca ? { ca: config.ca } : {}),
          ...(config.cert ? { cert: config.cert } : {}),
          ...(config.key ? { key: config.key } : {}),
          rejectUnauthorized: !config.insecureSkipTLSVerify,
        })
      : new HttpAgent({ keepAlive: true });
  }

  async request(req: TransportRequest): Promise<TransportResponse> {
    const res = await this.send(req, this.config.timeoutMs ?? 0);
    const chunks: Buffer[] = [];
    for await (const c of res) chunks.push(c as Buffer);
    return { status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) };
  }

  async stream(req: TransportRequest): Promise<TransportStream> {
    const res = await this.send(req, 0);
    return { status: res.statusCode ?? 0, headers: res.headers, body: res as AsyncIterable<Buffer> };
  }

  close(): void {
    this.agent.destroy();
  }

  private send(req: TransportRequest, timeoutMs: number): Promise<IncomingMessage> {
    const url = new URL(req.path, this.base);
    const headers: Record<string, string> = { ...req.headers };
    if (this.config.token) headers.Authorization = `Bearer ${this.config.token}`;
    if (this.config.userAgent) headers["User-Agent"] = this.config.userAgent;
    if (req.body !== undefined) headers["Content-Length"] = String(Buffer.byteLength(req.body));
    const send = this.secure ? httpsRequest : httpRequest;
    return new Promise((resolve, reject) => {
      const r = send(url, { method: req.method, headers, agent: this.agent, ...(req.signal ? { signal: req.signal } : {}) }, resolve);
      r.on("error", reject);
      if (timeoutMs > 0) r.setTimeout(timeoutMs, () => r.destroy(new Error(`${req.method} ${req.path}: no response within ${timeoutMs} ms`)));
      r.end(req.body);
    });
  }
}
