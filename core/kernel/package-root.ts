import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

let cached: string | undefined;

/**
 * The folder of Kitbash's own package.json, found by walking up from this file so
 * that source runs (tests) and built runs (dist/) agree on where profiles/ and
 * schemas/ are.
 */
export function packageRoot(): string {
  if (cached) return cached;
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const pkg = join(dir, "package.json");
    if (existsSync(pkg)) {
      try {
        if (JSON.parse(readFileSync(pkg, "utf8")).name === "kitbash") return (cached = dir);
      } catch {
        // a malformed package.json on the way up is not ours
      }
    }
    const up = dirname(dir);
    if (up === dir) throw new Error("cannot find the kitbash package root");
    dir = up;
  }
}
