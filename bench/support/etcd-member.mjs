// A throwaway single-member etcd on free loopback ports for benchmarks that include the
// etcd3 backend; null when no `etcd` binary is on PATH (install etcd-server).
import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";

const freePort = () =>
  new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });

export async function startEtcdMember() {
  if (spawnSync("etcd", ["--version"], { stdio: "ignore" }).status !== 0) return null;
  const dir = mkdtempSync(join(tmpdir(), "kitbash-bench-etcd-"));
  const endpoint = `http://127.0.0.1:${await freePort()}`;
  const peer = `http://127.0.0.1:${await freePort()}`;
  const child = spawn("etcd", ["--name", "bench", "--data-dir", dir, "--listen-client-urls", endpoint, "--advertise-client-urls", endpoint, "--listen-peer-urls", peer, "--initial-advertise-peer-urls", peer, "--initial-cluster", `bench=${peer}`, "--logger", "zap", "--log-outputs", "stderr"], { stdio: ["ignore", "ignore", "pipe"] });
  await new Promise((resolve, reject) => {
    let log = "";
    child.stderr.on("data", (d) => {
      log += d;
      if (/serving client traffic/.test(log)) resolve();
    });
    child.once("exit", (c) => reject(new Error(`etcd exited ${c}:\n${log.slice(-2000)}`)));
  });
  child.stderr.removeAllListeners("data");
  child.stderr.resume();
  // A benchmark that throws still leaves no member behind.
  const cleanup = () => {
    child.kill("SIGKILL");
    rmSync(dir, { recursive: true, force: true });
  };
  process.once("exit", cleanup);
  return {
    endpoint,
    stop: async () => {
      process.off("exit", cleanup);
      if (child.exitCode === null) {
        const exited = new Promise((r) => child.once("exit", r));
        child.kill("SIGTERM");
        await exited;
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
