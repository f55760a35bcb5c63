// Start-up cost of the CLI: `kitbash --help` and `kitbash profile validate`, wall time,
// median of 10 runs each. Targets on a 2-core machine: <= 300 ms and <= 600 ms.
import { spawnSync } from "node:child_process";
import { join, relative } from "node:path";

export const name = "cli";

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

export async function run({ root, runs = 10 }) {
  const bin = join(root, "bin", "kitbash.js");
  const cases = [
    { id: "help", args: ["--help"], targetMs: 300 },
    { id: "profile-validate", args: ["profile", "validate", join(root, "profiles", "single-node.yaml")], targetMs: 600 },
  ];
  const results = [];
  for (const c of cases) {
    const times = [];
    for (let i = 0; i < runs; i++) {
      const t = process.hrtime.bigint();
      const r = spawnSync(process.execPath, [bin, ...c.args], { encoding: "utf8", env: { ...process.env, KITBASH_LOG_LEVEL: "silent" } });
      const ms = Number(process.hrtime.bigint() - t) / 1e6;
      if (r.status !== 0) throw new Error(`${c.args.join(" ")} exited ${r.status}: ${r.stderr}`);
      times.push(ms);
    }
    results.push({ id: c.id, command: `kitbash ${c.args.map((a) => (a.startsWith(root) ? relative(root, a) : a)).join(" ")}`, runs, medianMs: Math.round(median(times) * 10) / 10, minMs: Math.round(Math.min(...times) * 10) / 10, maxMs: Math.round(Math.max(...times) * 10) / 10, targetMs: c.targetMs, met: median(times) <= c.targetMs });
  }
  return { metric: "wall time (ms)", results, chart: results.map((r) => ({ label: r.id, value: r.medianMs, target: r.targetMs })) };
}
