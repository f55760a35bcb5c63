import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";

/** A CNI error object (spec 1.0.0 §Error), or one Kitbash makes for a plugin that broke the protocol. */
export class CniError extends Error {
  constructor(
    readonly plugin: string,
    readonly command: string,
    readonly code: number,
    msg: string,
    readonly details?: string,
  ) {
    super(`CNI plugin ${plugin} ${command} failed (code ${code}): ${msg}${details ? ` (${details})` : ""}`);
  }
}

export interface Invocation {
  command: "ADD" | "DEL" | "CHECK" | "VERSION";
  containerId?: string;
  netns?: string;
  ifname?: string;
  args?: Record<string, string>;
}

export function findPlugin(type: string, binDirs: readonly string[]): string {
  if (!/^[A-Za-z0-9_.-]+$/.test(type)) throw new CniError(type, "find", 7, `plugin type "${type}" is not a file name`);
  for (const dir of binDirs) {
    const path = join(dir, type);
    if (existsSync(path)) return path;
  }
  throw new CniError(type, "find", 7, `no plugin binary "${type}" in ${binDirs.join(":")}`);
}

/**
 * Executes one plugin per the CNI 1.0.0 protocol: parameters in the environment, the network
 * configuration on stdin, a result (or an error object, with a non-zero exit) on stdout.
 */
export async function invokePlugin(type: string, binDirs: readonly string[], inv: Invocation, config: object, timeoutMs: number): Promise<Record<string, unknown> | undefined> {
  const path = findPlugin(type, binDirs);
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    CNI_COMMAND: inv.command,
    CNI_PATH: binDirs.join(":"),
    ...(inv.containerId ? { CNI_CONTAINERID: inv.containerId } : {}),
    ...(inv.netns ? { CNI_NETNS: inv.netns } : {}),
    ...(inv.ifname ? { CNI_IFNAME: inv.ifname } : {}),
    ...(inv.args ? { CNI_ARGS: Object.entries(inv.args).map(([k, v]) => `${k}=${v}`).join(";") } : {}),
  };
  return new Promise((resolve, reject) => {
    const child = spawn(path, [], { env, stdio: ["pipe", "pipe", "pipe"] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new CniError(type, inv.command, 11, `timed out after ${timeoutMs} ms`));
    }, timeoutMs);
    child.stdout.on("data", (b: Buffer) => out.push(b));
    child.stderr.on("data", (b: Buffer) => err.push(b));
    child.on("error", (e) => (clearTimeout(timer), reject(new CniError(type, inv.command, 5, e.message))));
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      if (signal === "SIGKILL") return;
      const text = Buffer.concat(out).toString().trim();
      let parsed: Record<string, unknown> | undefined;
      try {
        parsed = text ? (JSON.parse(text) as Record<string, unknown>) : undefined;
      } catch {
        if (code === 0) return reject(new CniError(type, inv.command, 6, `output is not JSON: ${text.slice(0, 200)}`));
      }
      if (code === 0) return resolve(parsed);
      if (parsed && typeof parsed.code === "number") return reject(new CniError(type, inv.command, parsed.code, String(parsed.msg ?? ""), parsed.details ? String(parsed.details) : undefined));
      reject(new CniError(type, inv.command, 999, `exit ${code}: ${(text || Buffer.concat(err).toString()).trim().slice(0, 300)}`));
    });
    child.stdin.on("error", () => {});
    child.stdin.end(JSON.stringify(config));
  });
}
