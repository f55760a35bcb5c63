import { connect as netConnect } from "node:net";
import { connect as tlsConnect } from "node:tls";
import type { IncomingMessage } from "node:http";
import type { Duplex } from "node:stream";

/** Headers a proxy must not forward as they were (hop-by-hop ones stay: an upgrade needs them). */
const DROPPED = new Set(["host", "authorization"]);

/**
 * Carries an HTTP/1.1 upgrade request (SPDY or WebSocket) to another server and then splices the
 * two connections, so the client and the far end negotiate the stream protocol between themselves:
 * how upstream's API server reaches the kubelet and the kubelet the runtime's streaming server.
 */
export function proxyUpgrade(
  req: IncomingMessage,
  client: Duplex,
  head: Buffer,
  target: { url: URL; tls?: { cert?: string; key?: string } },
): void {
  const { url } = target;
  const port = Number(url.port) || (url.protocol === "https:" ? 443 : 80);
  const upstream = url.protocol === "https:" ? tlsConnect({ host: url.hostname, port, rejectUnauthorized: false, ...(target.tls ?? {}) }) : netConnect({ host: url.hostname, port });
  const lines = [`${req.method ?? "GET"} ${url.pathname}${url.search} HTTP/1.1`, `Host: ${url.host}`];
  for (let i = 0; i + 1 < req.rawHeaders.length; i += 2) {
    if (!DROPPED.has(req.rawHeaders[i]!.toLowerCase())) lines.push(`${req.rawHeaders[i]}: ${req.rawHeaders[i + 1]}`);
  }
  upstream.once(url.protocol === "https:" ? "secureConnect" : "connect", () => {
    upstream.write(lines.join("\r\n") + "\r\n\r\n");
    if (head.length) upstream.write(head);
    upstream.pipe(client);
    client.pipe(upstream);
  });
  const close = () => {
    upstream.destroy();
    client.destroy();
  };
  upstream.on("error", (err) => {
    if (!client.writableEnded) client.end(`HTTP/1.1 502 Bad Gateway\r\nContent-Type: text/plain\r\nConnection: close\r\n\r\n${err.message}`);
  });
  upstream.on("close", close);
  client.on("error", close);
  client.on("close", close);
}
