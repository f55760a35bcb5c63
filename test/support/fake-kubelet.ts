import { createServer, type Server } from "node:https";
import type { AddressInfo } from "node:net";
import type { TLSSocket } from "node:tls";
import { WebSocketServer, type WebSocket } from "ws";
import { createCertificateAuthority, loadCertificateAuthority } from "../../core/pki/index.js";

export interface FakeKubeletRequest {
  path: string;
  /** The CN of the client certificate the caller presented. */
  clientCN: string;
  headers: Record<string, string | string[] | undefined>;
}

/**
 * A kubelet API stand-in on loopback HTTPS: container logs (lines given by the test, streamed
 * when `follow`), and exec over WebSocket (`v5.channel.k8s.io`: channel 1 stdout, 3 status),
 * echoing its command. Every request is recorded.
 */
export async function startFakeKubelet(logLines: string[]): Promise<{ port: number; requests: FakeKubeletRequest[]; close(): Promise<void> }> {
  const ca = await loadCertificateAuthority(await createCertificateAuthority("fake-kubelet-ca", 1));
  const serving = await ca.issue({ commonName: "fake-kubelet", days: 1, serving: { dns: ["localhost"], ips: ["127.0.0.1"] } });
  const requests: FakeKubeletRequest[] = [];
  const record = (path: string, socket: TLSSocket, headers: FakeKubeletRequest["headers"]) =>
    requests.push({ path, clientCN: String(socket.getPeerCertificate()?.subject?.CN ?? ""), headers });
  const server: Server = createServer({ key: serving.key, cert: serving.cert, requestCert: true, rejectUnauthorized: false }, (req, res) => {
    record(req.url ?? "", req.socket as TLSSocket, req.headers);
    const url = new URL(req.url ?? "/", "https://x");
    if (url.pathname === "/healthz") return void res.writeHead(200, { "Content-Type": "text/plain" }).end("ok");
    if (!url.pathname.startsWith("/containerLogs/")) {
      res.writeHead(404, { "Content-Type": "text/plain" }).end("not found");
      return;
    }
    if (url.pathname.endsWith("/missing")) {
      res.writeHead(404, { "Content-Type": "text/plain" }).end('container "missing" in pod is not available');
      return;
    }
    const tail = url.searchParams.get("tailLines");
    const lines = tail ? logLines.slice(-Number(tail)) : logLines;
    res.writeHead(200, { "Content-Type": "text/plain" });
    res.write(lines.map((l) => l + "\n").join(""));
    if (url.searchParams.get("follow") !== "true") return void res.end();
    // Following: one more line a moment later, then the container "exits".
    setTimeout(() => res.end("followed line\n"), 300);
  });
  const wss = new WebSocketServer({ noServer: true, handleProtocols: (protocols) => (protocols.has("v5.channel.k8s.io") ? "v5.channel.k8s.io" : false) });
  server.on("upgrade", (req, socket, head) => {
    record(req.url ?? "", socket as TLSSocket, req.headers);
    wss.handleUpgrade(req, socket, head, (ws: WebSocket) => {
      const url = new URL(req.url ?? "/", "https://x");
      const command = url.searchParams.getAll("command");
      const frame = (channel: number, text: string) => Buffer.concat([Buffer.from([channel]), Buffer.from(text)]);
      ws.send(frame(1, `ran: ${command.join(" ")}\n`));
      ws.send(frame(3, JSON.stringify({ metadata: {}, status: "Success" })));
      ws.close(1000);
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  return {
    port: (server.address() as AddressInfo).port,
    requests,
    close: () => new Promise((r) => {
      wss.close();
      server.closeAllConnections();
      server.close(() => r());
    }),
  };
}
