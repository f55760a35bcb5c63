import { spawnSync, type SpawnSyncReturns } from "node:child_process";
import { join } from "node:path";

export const projectRoot = join(import.meta.dirname, "..", "..");
export const kitbashBin = join(projectRoot, "bin", "kitbash.js");

/** Runs the built CLI (dist/, made by `npm run build`) as a user would. */
export function kitbash(args: string[], opts: { cwd?: string; env?: NodeJS.ProcessEnv; timeoutMs?: number } = {}): SpawnSyncReturns<string> {
  return spawnSync(process.execPath, [kitbashBin, ...args], {
    cwd: opts.cwd ?? projectRoot,
    env: { ...process.env, KITBASH_LOG_LEVEL: "silent", ...opts.env },
    encoding: "utf8",
    timeout: opts.timeoutMs ?? 30_000,
  });
}
