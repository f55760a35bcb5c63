import { createServer, type Server } from "node:https";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { TLSSocket } from "node:tls";
import { createCertificateAuthority, loadCertificateAuthority } from "../pki/index.js";
import type { Pod } from "./api-types.js";
import { streamContainerLog } from "./container-logs.js";
import type { RuntimeService } from "./cri/runtime-service.js";
import { hostIPv4 } from "./node-status.js";
import { inspectPod, latest, previous } from "./runtime-state.js";
import { proxyUpgrade } from "./stream-proxy.js";
import type { Duplex } from "node:stream";

export interface KubeletServerSource {
  pods(): Pod[];
  readonly runtime: RuntimeService;
}

export interface KubeletServerOptions {
  nodeName: string;
  port: number;
  bindAddress?: string;
  /** PEM CA whose client certificates may call the API (the cluster CA); without it every client is let in. */
  clientCA?: string;
}

function send(res: ServerResponse, code: number, body: unknown): void {
  const text = typeof body === "string" ? body : JSON.stringify(body);
  res.writeHead(code, { "Content-Type": typeof body === "string" ? "text/plain; charset=utf-8" : "application/json" });
  res.end(text);
}

/**
 * The kubelet API over HTTPS, as upstream's kubelet server: /healthz, /pods and
 * /containerLogs/{namespace}/{pod}/{container} (follow, tailLines, previous, timestamps,
 * sinceSeconds, limitBytes), which the API server's pods/log reaches. Its serving certificate is
 * self-signed, as a kubelet without --tls-cert-file makes one.
 */
export class KubeletServer {
  private server: Server | undefined;

  constructor(
    private readonly source: KubeletServerSource,
    private readonly o: KubeletServerOptions,
  ) {}

  async start(): Promise<number> {
    const ca = await loadCertificateAuthority(await createCertificateAuthority(`${this.o.nodeName}-ca@${Math.floor(Date.now() / 1000)}`, 365));
    const serving = await ca.issue({ commonName: this.o.nodeName, days: 365, serving: { dns: [this.o.nodeName, "localhost"], ips: [hostIPv4(), "127.0.0.1"] } });
    this.server = createServer(
      { key: serving.key, cert: serving.cert + ca.cert, ...(this.o.clientCA ? { ca: this.o.clientCA, requestCert: true, rejectUnauthorized: false } : {}) },
      (req, res) => void this.handle(req, res).catch((err: Error) => (res.headersSent ? res.end() : send(res, 500, err.message))),
    );
    this.server.on("upgrade", (req: IncomingMessage, socket: Duplex, head: Buffer) => void this.upgrade(req, socket, head).catch((err: Error) => socket.end(`HTTP/1.1 500 Internal Server Error\r\nConnection: close\r\n\r\n${err.message}`)));
    await new Promise<void>((resolve, reject) => {
      this.server!.once("error", reject);
      this.server!.listen(this.o.port, this.o.bindAddress ?? "0.0.0.0", () => resolve());
    });
    return (this.server.address() as AddressInfo).port;
  }

  async stop(): Promise<void> {
    if (!this.server) return;
    this.server.closeAllConnections();
    await new Promise((r) => this.server!.close(() => r(undefined)));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (this.o.clientCA && !(req.socket as TLSSocket).authorized) return send(res, 401, "Unauthorized");
    const url = new URL(req.url ?? "/", "https://kubelet");
    const parts = url.pathname.split("/").filter(Boolean);
    if (url.pathname === "/healthz") return send(res, 200, "ok");
    if (url.pathname === "/pods" || url.pathname === "/pods/") return send(res, 200, { kind: "PodList", apiVersion: "v1", metadata: {}, items: this.source.pods() });
    if (parts[0] === "containerLogs" && parts.length === 4) return this.containerLogs(req, res, parts[1]!, parts[2]!, parts[3]!, url.searchParams);
    send(res, 404, "404 page not found");
  }

  /**
   * /exec/{namespace}/{pod}/{container}?command=…&stdin&stdout&stderr&tty: asks the runtime for an
   * exec session (CRI Exec) and splices the client's upgrade onto the runtime's streaming URL.
   */
  private async upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
    const refuse = (code: number, text: string): void => void socket.end(`HTTP/1.1 ${code} ${code === 404 ? "Not Found" : code === 401 ? "Unauthorized" : "Bad Request"}\r\nContent-Type: text/plain\r\nConnection: close\r\n\r\n${text}`);
    if (this.o.clientCA && !(req.socket as TLSSocket).authorized) return refuse(401, "Unauthorized");
    const url = new URL(req.url ?? "/", "https://kubelet");
    const parts = url.pathname.split("/").filter(Boolean);
    if (parts[0] !== "exec" || parts.length !== 4) return refuse(404, "404 page not found");
    const [, namespace, name, container] = parts as [string, string, string, string];
    const pod = this.source.pods().find((p) => p.metadata.namespace === namespace && p.metadata.name === name);
    if (!pod) return refuse(404, `pod ${namespace}/${name} not found on this node`);
    const cur = latest(await inspectPod(this.source.runtime, pod.metadata.uid!), container);
    if (cur?.state !== "CONTAINER_RUNNING") return refuse(400, `container ${container} is not running`);
    const flag = (k: string) => ["1", "true"].includes(url.searchParams.get(k) ?? "");
    const command = url.searchParams.getAll("command");
    if (!command.length) return refuse(400, "you must specify at least 1 command");
    const streamUrl = await this.source.runtime.exec(cur.id, command, { tty: flag("tty"), stdin: flag("input") || flag("stdin"), stdout: flag("output") || flag("stdout"), stderr: flag("error") || flag("stderr") });
    proxyUpgrade(req, socket, head, { url: new URL(streamUrl) });
  }

  private async containerLogs(req: IncomingMessage, res: ServerResponse, namespace: string, name: string, container: string, q: URLSearchParams): Promise<void> {
    const pod = this.source.pods().find((p) => p.metadata.namespace === namespace && p.metadata.name === name);
    if (!pod) return send(res, 404, `pod ${namespace}/${name} not found on this node`);
    const state = await inspectPod(this.source.runtime, pod.metadata.uid!);
    const cur = latest(state, container);
    const wanted = q.get("previous") === "true" ? cur && previous(state, cur) : cur;
    if (!wanted) {
      const what = q.get("previous") === "true" ? `previous terminated container "${container}"` : `container "${container}"`;
      return send(res, 400, `${what} in pod "${name}" not found`);
    }
    const int = (k: string) => (q.has(k) && /^\d+$/.test(q.get(k)!) ? Number(q.get(k)) : undefined);
    res.writeHead(200, { "Content-Type": "text/plain", "Transfer-Encoding": "chunked" });
    const abort = new AbortController();
    req.on("close", () => abort.abort());
    const follow = q.get("follow") === "true" && wanted === cur;
    const tailLines = int("tailLines");
    const sinceSeconds = int("sinceSeconds");
    const limitBytes = int("limitBytes");
    await streamContainerLog(
      wanted.log_path,
      {
        follow,
        timestamps: q.get("timestamps") === "true",
        ...(tailLines !== undefined ? { tailLines } : {}),
        ...(sinceSeconds !== undefined ? { sinceSeconds } : {}),
        ...(limitBytes !== undefined ? { limitBytes } : {}),
      },
      res,
      async () => (await this.source.runtime.containerStatus(wanted.id))?.state === "CONTAINER_RUNNING",
      abort.signal,
    ).catch((err: Error) => res.write(`failed to read the log: ${err.message}\n`));
    res.end();
  }
}
