import { connect, constants, type ClientHttp2Session, type ClientHttp2Stream, type IncomingHttpHeaders } from "node:http2";
import type { ClientConfig } from "./config.js";
import type { Transport, TransportRequest, TransportResponse, TransportStream } from "./transport.js";

/**
 * HTTP/2 over TLS with client certificates, as client-go speaks it: one connection per server,
 * every request and watch a stream on it. A connection the server ends (GOAWAY, reset) is
 * replaced on the next request; streams in flight on it fail and their callers retry as they
 * would after any network error.
 */
export class Http2Transport implements Transport {
  private session: ClientHttp2Session | undefined;
  /** Streams open on the current connection: the process is kept alive while any is. */
  private streams = 0;

  constructor(private readonly config: ClientConfig) {}

  async request(req: TransportRequest): Promise<TransportResponse> {
    const { stream, headers } = await this.begin(req, this.config.timeoutMs ?? 0);
    const chunks: Buffer[] = [];
    for await (const c of stream) chunks.push(c as Buffer);
    return { status: Number(headers[constants.HTTP2_HEADER_STATUS]), headers: plain(headers), body: Buffer.concat(chunks) };
  }

  async stream(req: TransportRequest): Promise<TransportStream> {
    const { stream, headers } = await this.begin(req, 0);
    return { status: Number(headers[constants.HTTP2_HEADER_STATUS]), headers: plain(headers), body: stream as AsyncIterable<Buffer> };
  }

  close(): void {
    this.session?.close();
    this.session = undefined;
  }

  private connection(): ClientHttp2Session {
    if (this.session && !this.session.closed && !this.session.destroyed) return this.session;
    const c = this.config;
    const session = connect(c.server, {
      ...(c.ca ? { ca: c.ca } : {}),
      ...(c.cert ? { cert: c.cert } : {}),
      ...(c.key ? { key: c.key } : {}),
      rejectUnauthorized: !c.insecureSkipTLSVerify,
    });
    // An idle connection must not keep a stopping process alive; open streams do (see `begin`).
    session.unref();
    this.streams = 0;
    const forget = () => {
      if (this.session === session) this.session = undefined;
    };
    session.on("goaway", forget);
    session.on("close", forget);
    session.on("error", forget);
    this.session = session;
    return session;
  }

  private begin(req: TransportRequest, timeoutMs: number): Promise<{ stream: ClientHttp2Stream; headers: IncomingHttpHeaders }> {
    const headers: Record<string, string> = { [constants.HTTP2_HEADER_METHOD]: req.method, [constants.HTTP2_HEADER_PATH]: req.path };
    for (const [k, v] of Object.entries(req.headers)) headers[k.toLowerCase()] = v;
    if (this.config.token) headers.authorization = `Bearer ${this.config.token}`;
    if (this.config.userAgent) headers["user-agent"] = this.config.userAgent;
    if (req.body !== undefined) headers["content-length"] = String(Buffer.byteLength(req.body));
    return new Promise((resolve, reject) => {
      let stream: ClientHttp2Stream;
      try {
        const session = this.connection();
        stream = session.request(headers, { endStream: req.body === undefined, ...(req.signal ? { signal: req.signal } : {}) });
        if (this.streams++ === 0) session.ref();
        stream.once("close", () => {
          if (this.session === session && --this.streams === 0 && !session.destroyed) session.unref();
        });
      } catch (err) {
        return reject(err);
      }
      stream.once("response", (h) => resolve({ stream, headers: h }));
      stream.once("error", reject);
      if (timeoutMs > 0) stream.setTimeout(timeoutMs, () => stream.destroy(new Error(`${req.method} ${req.path}: no response within ${timeoutMs} ms`)));
      if (req.body !== undefined) stream.end(req.body);
    });
  }
}

function plain(h: IncomingHttpHeaders): Record<string, string | string[] | undefined> {
  const out: Record<string, string | string[] | undefined> = {};
  for (const [k, v] of Object.entries(h)) if (!k.startsWith(":")) out[k] = v;
  return out;
}
