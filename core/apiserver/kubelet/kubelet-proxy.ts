import type { IncomingMessage, ServerResponse } from "node:http";
import { request as httpsRequest } from "node:https";
import { connect as tlsConnect } from "node:tls";
import type { Duplex } from "node:stream";
import { StatusError, serviceUnavailable } from "../../api/status.js";
import type { KubeletCredentials, KubeletTarget } from "./kubelet-connection.js";

/** Headers that carry the caller's credentials or belong to this hop, never passed to a kubelet. */
const HOP_HEADERS = /^(authorization|impersonate-.*|host|proxy-.*|keep-alive|transfer-encoding|te|trailer|content-length)$/i;

/**
 * Streams a kubelet's answer to a GET (container logs, follow included) back to the client:
 * the kubelet's status and body as they come, its errors as a Status, and the kubelet request
 * aborted when the client goes away.
 */
export function proxyGet(target: KubeletTarget, creds: KubeletCredentials, res: ServerResponse, clientGone: (cb: () => void) => void): Promise<void> {
  return new Promise((resolve, reject) => {
    const upstream = httpsRequest(
      { host: target.host, port: target.port, path: target.path, method: "GET", cert: creds.cert, key: creds.key, rejectUnauthorized: false, timeout: creds.timeoutMs },
      (kres) => {
        const code = kres.statusCode ?? 502;
        if (code >= 300) {
          let text = "";
          kres.setEncoding("utf8");
          kres.on("data", (d) => (text += d));
          kres.on("end", () => reject(new StatusError({ kind: "Status", apiVersion: "v1", metadata: {}, status: "Failure", message: text.trim() || `the kubelet answered ${code}`, reason: code === 404 ? "NotFound" : code === 400 ? "BadRequest" : "InternalError", code })));
          return;
        }
        res.writeHead(code, { "Content-Type": kres.headers["content-type"] ?? "text/plain", "Cache-Control": "no-cache, private" });
        res.flushHeaders?.();
        kres.pipe(res);
        kres.on("end", () => resolve());
        kres.on("error", () => resolve());
      },
    );
    upstream.on("timeout", () => upstream.destroy(new Error(`no answer from the kubelet at ${target.host}:${target.port} in ${creds.timeoutMs} ms`)));
    upstream.on("error", (err) => reject(res.headersSent ? err : serviceUnavailable(`error dialing the kubelet at ${target.host}:${target.port}: ${err.message}`)));
    clientGone(() => upstream.destroy());
    upstream.end();
  });
}

/**
 * Carries an upgrade (WebSocket or SPDY: exec, attach, port-forward) to the kubelet and then
 * joins the two connections byte for byte, so the kubelet's `101 Switching Protocols` and every
 * stream frame reach the client unchanged. Failing to reach the kubelet answers a Status on the
 * client's connection.
 */
export function proxyUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer, target: KubeletTarget, creds: KubeletCredentials): void {
  const upstream = tlsConnect({ host: target.host, port: target.port, cert: creds.cert, key: creds.key, rejectUnauthorized: false, ALPNProtocols: ["http/1.1"] });
  const timer = setTimeout(() => upstream.destroy(new Error(`no connection in ${creds.timeoutMs} ms`)), creds.timeoutMs);
  let joined = false;
  upstream.once("secureConnect", () => {
    clearTimeout(timer);
    const lines = [`${req.method} ${target.path} HTTP/1.1`, `Host: ${target.host}:${target.port}`];
    for (let i = 0; i < req.rawHeaders.length; i += 2) {
      if (!HOP_HEADERS.test(req.rawHeaders[i]!)) lines.push(`${req.rawHeaders[i]}: ${req.rawHeaders[i + 1]}`);
    }
    upstream.write(lines.join("\r\n") + "\r\n\r\n");
    if (head.length) upstream.write(head);
    joined = true;
    socket.pipe(upstream);
    upstream.pipe(socket);
  });
  upstream.on("error", (err) => {
    clearTimeout(timer);
    if (joined) return socket.destroy();
    const status = serviceUnavailable(`error dialing the kubelet at ${target.host}:${target.port}: ${err.message}`);
    refuse(socket, status);
  });
  socket.on("error", () => upstream.destroy());
  socket.on("close", () => upstream.destroy());
}

/** A Status answer on a raw HTTP/1.1 connection that asked to upgrade. */
export function refuse(socket: Duplex, err: StatusError): void {
  const body = JSON.stringify(err.status);
  const code = err.status.code ?? 500;
  socket.end(`HTTP/1.1 ${code} ${reasonPhrase(code)}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`);
}

function reasonPhrase(code: number): string {
  return ({ 400: "Bad Request", 401: "Unauthorized", 403: "Forbidden", 404: "Not Found", 500: "Internal Server Error", 503: "Service Unavailable" } as Record<number, string>)[code] ?? "Error";
}
