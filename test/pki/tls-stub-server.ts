import { createServer, type Server } from "node:https";
import type { AddressInfo } from "node:net";
import type { TLSSocket } from "node:tls";
import { identityFromCertificate, type CertificateIdentity } from "../../core/pki/index.js";

export interface SeenRequest {
  path: string;
  userAgent: string;
  /** Whether the client presented a certificate that chains to the configured CA. */
  authorized: boolean;
  identity?: CertificateIdentity;
}

export interface TlsStubServer {
  url: string;
  seen: SeenRequest[];
  close(): Promise<void>;
}

/**
 * An HTTPS server set up as Kitbash's API server sets up TLS: it asks for a client certificate but does
 * not require one (token users share the port), and answers just what kubectl needs for `get --raw /healthz`.
 * `/version` reports minor 32 so the image's kubectl dispatcher runs its own v1.32.
 */
export async function startTlsStubServer(tls: { key: string; cert: string; ca: string }): Promise<TlsStubServer> {
  const seen: SeenRequest[] = [];
  const server: Server = createServer({ ...tls, requestCert: true, rejectUnauthorized: false }, (req, res) => {
    const socket = req.socket as TLSSocket;
    const peer = socket.getPeerCertificate();
    const hasPeer = peer && Object.keys(peer).length > 0;
    seen.push({ path: req.url ?? "", userAgent: req.headers["user-agent"] ?? "", authorized: socket.authorized, ...(hasPeer ? { identity: identityFromCertificate(peer) } : {}) });
    const path = new URL(req.url ?? "/", "https://stub").pathname;
    if (path === "/version") {
      res.writeHead(200, { "Content-Type": "application/json" }).end(JSON.stringify({ major: "1", minor: "32", gitVersion: "v1.32.4" }));
    } else if (path === "/healthz") {
      res.writeHead(200, { "Content-Type": "text/plain" }).end("ok");
    } else {
      res.writeHead(404, { "Content-Type": "application/json" }).end(JSON.stringify({ kind: "Status", apiVersion: "v1", status: "Failure", reason: "NotFound", code: 404 }));
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `https://127.0.0.1:${port}`,
    seen,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        // kubectl keeps connections alive; without this close() waits for them to time out.
        server.closeAllConnections();
      }),
  };
}
