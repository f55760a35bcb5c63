import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { MetricsScope } from "../kernel/metrics.js";

/** `/healthz` (upstream's port 10256) and `/metrics` of the proxy, plain HTTP as upstream serves them. */
export class ProxyHealthServer {
  private server: Server | undefined;

  constructor(
    private readonly metrics: MetricsScope,
    private readonly healthy: () => boolean,
  ) {}

  async listen(port: number, host: string): Promise<string> {
    const server = createServer((req, res) => {
      const path = (req.url ?? "/").split("?")[0];
      if (path === "/healthz" || path === "/livez") {
        const ok = this.healthy();
        res.writeHead(ok ? 200 : 503, { "Content-Type": "text/plain" }).end(ok ? "ok" : "rules not synced recently");
      } else if (path === "/metrics") {
        this.metrics.registry.metrics().then(
          (text) => res.writeHead(200, { "Content-Type": this.metrics.registry.contentType }).end(text),
          (err: Error) => res.writeHead(500).end(err.message),
        );
      } else res.writeHead(404, { "Content-Type": "text/plain" }).end("404 page not found\n");
    });
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(port, host, () => (server.off("error", reject), resolve()));
    });
    this.server = server;
    const a = server.address() as AddressInfo;
    return `http://${a.family === "IPv6" ? `[${a.address}]` : a.address}:${a.port}`;
  }

  async close(): Promise<void> {
    const s = this.server;
    this.server = undefined;
    if (!s) return;
    s.closeAllConnections();
    await new Promise<void>((resolve) => s.close(() => resolve()));
  }
}
