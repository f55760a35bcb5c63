import { execFile, execFileSync } from "node:child_process";

/** Why the kubectl tests cannot run here, or undefined when kubectl is on PATH. */
export function kubectlMissingReason(): string | undefined {
  try {
    execFileSync("kubectl", ["version", "--client"], { stdio: "ignore", timeout: 10_000 });
    return undefined;
  } catch (e) {
    return `kubectl is not on PATH or does not run (${(e as Error).message.split("\n")[0]})`;
  }
}

export interface KubectlResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs kubectl with a bounded time; never rejects, so a failure shows its stderr in the assertion. */
export function runKubectl(args: string[], timeoutMs = 30_000): Promise<KubectlResult> {
  return new Promise((resolve) => {
    execFile("kubectl", args, { timeout: timeoutMs, killSignal: "SIGKILL" }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === "number" ? error.code : 1) : 0;
      resolve({ code, stdout, stderr: error && error.killed ? `${stderr}\n(killed after ${timeoutMs} ms)` : stderr });
    });
  });
}
