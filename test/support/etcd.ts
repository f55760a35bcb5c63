import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { partAvailable } from "./parts.js";

/** Whether an `etcd` binary is on PATH (skips with a message, or fails under KITBASH_REQUIRE_SYSTEM_PARTS=1). */
export function etcdAvailable(): boolean {
  const present = spawnSync("etcd", ["--version"], { stdio: "ignore" }).status === 0;
  return partAvailable("etcd", present, "the etcd-server package");
}

export interface EtcdTls {
  ca: string;
  cert: string;
  key: string;
}

export interface EtcdMember {
  /** The client URL, http:// or https://. */
  endpoint: string;
  dataDir: string;
  /** Kills the member and starts it again on the same data and ports. */
  restart(): Promise<void>;
  /** Kills the member, leaving its data. */
  kill(): Promise<void>;
  /** Kills the member and removes its data. */
  stop(): Promise<void>;
}

/** A free loopback port (closed again at once; etcd binds it right after). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const port = (srv.address() as { port: number }).port;
      srv.close(() => resolve(port));
    });
  });
}

/**
 * A throwaway single-member etcd on free loopback ports, its data in a temp folder,
 * with progress notifications every 200 ms so contract tests see them quickly. With
 * `tls`, clients must present a certificate the given CA signed.
 */
export async function startEtcd(opts: { tls?: EtcdTls } = {}): Promise<EtcdMember> {
  const dataDir = mkdtempSync(join(tmpdir(), "kitbash-etcd-"));
  const [clientPort, peerPort] = [await freePort(), await freePort()];
  const scheme = opts.tls ? "https" : "http";
  const endpoint = `${scheme}://127.0.0.1:${clientPort}`;
  const peer = `http://127.0.0.1:${peerPort}`;
  const args = [
    "--name", "test",
    "--data-dir", join(dataDir, "member"),
    "--listen-client-urls", endpoint,
    "--advertise-client-urls", endpoint,
    "--listen-peer-urls", peer,
    "--initial-advertise-peer-urls", peer,
    "--initial-cluster", `test=${peer}`,
    "--experimental-watch-progress-notify-interval", "200ms",
    "--logger", "zap",
    "--log-outputs", "stderr",
  ];
  if (opts.tls) {
    for (const [name, text] of Object.entries(opts.tls)) writeFileSync(join(dataDir, `${name}.pem`), text, { mode: 0o600 });
    args.push("--client-cert-auth", "--trusted-ca-file", join(dataDir, "ca.pem"), "--cert-file", join(dataDir, "cert.pem"), "--key-file", join(dataDir, "key.pem"));
  }
  let child = await spawnReady(args).catch((err: unknown) => {
    rmSync(dataDir, { recursive: true, force: true });
    throw err;
  });
  return {
    endpoint,
    dataDir,
    restart: async () => {
      await kill(child);
      child = await spawnReady(args);
    },
    kill: () => kill(child),
    stop: async () => {
      await kill(child);
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Starts etcd and resolves once it serves clients. */
async function spawnReady(args: string[]): Promise<ChildProcess> {
  const child = spawn("etcd", args, { stdio: ["ignore", "ignore", "pipe"] });
  let log = "";
  try {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`etcd did not become ready in 20 s:\n${log.slice(-3000)}`)), 20_000);
      child.stderr!.on("data", (chunk: Buffer) => {
        log += chunk.toString();
        if (/serving client traffic/.test(log)) {
          clearTimeout(timer);
          resolve();
        }
      });
      child.once("exit", (code) => {
        clearTimeout(timer);
        reject(new Error(`etcd exited with ${code} before it was ready:\n${log.slice(-3000)}`));
      });
    });
  } catch (err) {
    await kill(child);
    throw err;
  }
  // Keep draining stderr so etcd never blocks on a full pipe.
  child.stderr!.removeAllListeners("data");
  child.stderr!.resume();
  return child;
}

async function kill(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((r) => child.once("exit", r));
  child.kill("SIGTERM");
  const timer = setTimeout(() => child.kill("SIGKILL"), 5000);
  await exited;
  clearTimeout(timer);
}
