import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { MetricsScope } from "./metrics.js";

/**
 * `/healthz` and `/metrics` of a component running alone (controller manager, scheduler), as upstream serves them on its
 * secure port. Plain HTTP on a loopback address by default: the figures are not secret, and
 * TLS with delegated authorization is the API server's business, not this listener's.
 */
export class StatusServer {
  private server: Server | undefined;

  constructor(
    private readonly metrics: MetricsScope,
    private readonly healthy: () => boolean,
  ) {}

  async listen(port: number, host: string): Promise<string> {
    const server = createServer((req, res) => {
      const path = (req.url ?? "/").split("?")[0];
      if (req.method !== "GET") {
        res.writeHead(405).end();
      } else if (path === "/healthz" || path === "/livez" || path === "/readyz") {
        const ok = this.healthy();
        res.writeHead(ok ? 200 : 500, { "Content-Type": "text/plain" }).end(ok ? "ok" : "not connected");
      } else if (path === "/metrics") {
        this.metrics.registry.metrics().then(
          (text) => res.writeHead(200, { "Content-Type": this.metrics.registry.contentType }).end(text),
          (err: Error) => res.writeHead(500).end(err.message),
        );
      } else {
        res.writeHead(404, { "Content-Type": "text/plain" }).end("404 page not found\n");
      }
    });
    this.server = server;
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(port, host, () => {
        server.off("error", reject);
        resolve();
      });
    });
    const addr = server.address() as AddressInfo;
    return `http://${host.includes(":") ? `[${host}]` : host}:${addr.port}`;
  }

  async close(): Promise<void> {
    const server = this.server;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}
