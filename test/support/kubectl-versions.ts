import { execFile, execFileSync } from "node:child_process";
import { existsSync, realpathSync } from "node:fs";
import { delimiter, dirname, join } from "node:path";

/**
 * A kubectl of one minor version (`kubectl.1.27`), run directly: the `kubectl` on PATH
 * may be a dispatcher that picks its binary from the server's /version, so tests of
 * older clients name the binary. Looked up on PATH, then beside the real `kubectl`.
 */
export function versionedKubectl(minor: number): string | undefined {
  const name = `kubectl.1.${minor}`;
  const dirs = (process.env.PATH ?? "").split(delimiter).filter(Boolean);
  for (const d of dirs) if (existsSync(join(d, name))) return join(d, name);
  for (const d of dirs) {
    const k = join(d, "kubectl");
    if (existsSync(k)) {
      const beside = join(dirname(realpathSync(k)), name);
      if (existsSync(beside)) return beside;
    }
  }
  return undefined;
}

/** The `gitVersion` a kubectl binary reports for itself. */
export function clientVersion(bin: string): string {
  return JSON.parse(execFileSync(bin, ["version", "--client", "-o", "json"], { encoding: "utf8" })).clientVersion.gitVersion;
}

export function runKubectl(bin: string, kubeconfig: string, args: string[], opts: { input?: string; env?: NodeJS.ProcessEnv } = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const p = execFile(bin, ["--kubeconfig", kubeconfig, ...args], { timeout: 60_000, env: { ...process.env, ...opts.env } }, (error, stdout, stderr) => {
      resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
    if (opts.input !== undefined) p.stdin!.end(opts.input);
  });
}
