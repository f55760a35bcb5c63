import { randomBytes } from "node:crypto";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { ChildProcess } from "node:child_process";
import { WebSocketServer, type WebSocket } from "ws";

/** The channel.k8s.io protocols, newest first: v5 adds closing a single stream (stdin). */
const PROTOCOLS = ["v5.channel.k8s.io", "v4.channel.k8s.io"];
const STDIN = 0;
const STDOUT = 1;
const STDERR = 2;
const ERROR = 3;
const CLOSE = 255;

/** How long a URL handed out by Exec stays usable, as upstream's streaming server keeps its tokens. */
const TOKEN_TTL_MS = 60_000;

export interface ExecSession {
  stdin: boolean;
  stdout: boolean;
  stderr: boolean;
  /** Starts the command; its exit code or signal ends the session. */
  start(): ChildProcess;
}

/**
 * The runtime's streaming server: CRI Exec answers a one-time URL here, and the kubelet (or
 * whoever holds the URL) connects with WebSocket and the channel.k8s.io framing: one byte of
 * channel, then data; stdin in, stdout and stderr out, and the command's end as a Status on
 * the error channel.
 */
export class StreamingServer {
  private server: Server | undefined;
  private readonly pending = new Map<string, { session: ExecSession; expires: number }>();
  private base = "";

  async listen(host = "127.0.0.1"): Promise<void> {
    const wss = new WebSocketServer({ noServer: true, handleProtocols: (offered) => PROTOCOLS.find((p) => offered.has(p)) ?? false });
    const server = createServer((_req, res) => res.writeHead(400, { "Content-Type": "text/plain" }).end("this endpoint only upgrades to WebSocket (channel.k8s.io)\n"));
    server.on("upgrade", (req, socket, head) => {
      const token = /^\/exec\/([0-9a-f]+)$/.exec(req.url ?? "")?.[1];
      const entry = token ? this.pending.get(token) : undefined;
      if (!entry || entry.expires < Date.now()) {
        socket.end("HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
        return;
      }
      this.pending.delete(token!);
      wss.handleUpgrade(req, socket, head, (ws) => run(ws, entry.session));
    });
    await new Promise<void>((resolve) => server.listen(0, host, resolve));
    this.server = server;
    this.base = `http://${host}:${(server.address() as AddressInfo).port}`;
  }

  /** A one-time URL for an exec session. */
  register(session: ExecSession): string {
    const now = Date.now();
    for (const [t, e] of this.pending) if (e.expires < now) this.pending.delete(t);
    const token = randomBytes(16).toString("hex");
    this.pending.set(token, { session, expires: now + TOKEN_TTL_MS });
    return `${this.base}/exec/${token}`;
  }

  async close(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((r) => (this.server ? this.server.close(() => r()) : r()));
  }
}

function run(ws: WebSocket, session: ExecSession): void {
  const v5 = ws.protocol === "v5.channel.k8s.io";
  const child = session.start();
  const send = (channel: number, data: Buffer | string) => {
    if (ws.readyState === ws.OPEN) ws.send(Buffer.concat([Buffer.from([channel]), Buffer.from(data)]));
  };
  child.stdout?.on("data", (d: Buffer) => session.stdout && send(STDOUT, d));
  child.stderr?.on("data", (d: Buffer) => session.stderr && send(STDERR, d));
  ws.on("message", (msg: Buffer) => {
    if (!msg.length) return;
    if (msg[0] === STDIN && session.stdin) child.stdin?.write(msg.subarray(1));
    else if (v5 && msg[0] === CLOSE && msg[1] === STDIN) child.stdin?.end();
  });
  ws.on("close", () => {
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
  });
  child.on("error", (err) => {
    send(ERROR, JSON.stringify({ metadata: {}, status: "Failure", message: err.message, reason: "InternalError" }));
    ws.close(1000);
  });
  child.on("close", (code, signal) => {
    const exit = code ?? (signal ? 137 : 1);
    const status =
      exit === 0
        ? { metadata: {}, status: "Success" }
        : { metadata: {}, status: "Failure", message: `command terminated with non-zero exit code: error executing command, exit status ${exit}`, reason: "NonZeroExitCode", details: { causes: [{ reason: "ExitCode", message: String(exit) }] } };
    send(ERROR, JSON.stringify(status));
    ws.close(1000);
  });
}
