import { spawn, type ChildProcess, execFile } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { request } from "node:https";
import { kitbashBin } from "./cli.js";

export interface Cluster {
  url: string;
  dataDir: string;
  kubeconfig: string;
  child: ChildProcess;
  /** kubectl with this cluster's kubeconfig and a private discovery cache. */
  kubectl(args: string[], opts?: { input?: string; env?: NodeJS.ProcessEnv }): Promise<{ code: number; stdout: string; stderr: string }>;
  /** An HTTPS request with the admin client certificate. */
  api(method: string, path: string, body?: string | Buffer, headers?: Record<string, string>): Promise<{ status: number; body: string; headers: Record<string, string | string[] | undefined> }>;
  stop(signal?: NodeJS.Signals): Promise<void>;
}

/** Starts `kitbash up` (the built CLI) on a free port with the given data dir. */
export async function startCluster(dataDir: string, extra: string[] = []): Promise<Cluster> {
  const child = spawn(process.execPath, [kitbashBin, "up", "--port", "0", "--data-dir", dataDir, ...extra], {
    env: { ...process.env, KITBASH_LOG_LEVEL: "warn" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  let err = "";
  child.stderr!.on("data", (d) => (err += d));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`kitbash up did not start:\n${out}\n${err}`)), 30_000);
    child.stdout!.on("data", (d) => {
      out += d;
      const m = /API server: (\S+)/.exec(out);
      if (m && out.includes("kubeconfig:")) {
        clearTimeout(timer);
        resolve(m[1]!);
      }
    });
    child.on("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`kitbash up exited ${code}:\n${out}\n${err}`));
    });
  });
  const kubeconfig = join(dataDir, "admin.kubeconfig");
  const pki = join(dataDir, "pki");
  const tls = { ca: readFileSync(join(pki, "ca.crt")), cert: readFileSync(join(pki, "admin.crt")), key: readFileSync(join(pki, "admin.key")) };
  const cacheDir = join(dataDir, "kubectl-cache");
  return {
    url,
    dataDir,
    kubeconfig,
    child,
    kubectl: (args, opts = {}) =>
      new Promise((resolve) => {
        const p = execFile("kubectl", ["--kubeconfig", kubeconfig, "--cache-dir", cacheDir, ...args], { timeout: 60_000, env: { ...process.env, ...opts.env } }, (error, stdout, stderr) => {
          resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, stdout, stderr });
        });
        if (opts.input !== undefined) p.stdin!.end(opts.input);
      }),
    api: (method, path, body, headers = {}) =>
      new Promise((resolve, reject) => {
        const req = request(new URL(path, url), { method, ...tls, headers: { "Content-Type": "application/json", ...headers } }, (res) => {
          let text = "";
          res.setEncoding("utf8");
          res.on("data", (d) => (text += d));
          res.on("end", () => resolve({ status: res.statusCode ?? 0, body: text, headers: res.headers }));
        });
        req.on("error", reject);
        req.end(body);
      }),
    // A server that has not exited 20 s after SIGTERM is killed, so one slow shutdown cannot
    // hang a whole test file; the log says so.
    stop: (signal = "SIGTERM") =>
      new Promise((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        const timer = setTimeout(() => {
          console.log(`kitbash up (${dataDir}) did not exit 20 s after ${signal}; killing it`);
          child.kill("SIGKILL");
        }, 20_000);
        child.once("exit", () => {
          clearTimeout(timer);
          resolve();
        });
        child.kill(signal);
      }),
  };
}

export function hasKubectl(): boolean {
  try {
    return !!execFileSyncQuiet("kubectl", ["version", "--client"]);
  } catch {
    return false;
  }
}

import { execFileSync } from "node:child_process";
function execFileSyncQuiet(cmd: string, args: string[]): string {
  return execFileSync(cmd, args, { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] });
}
