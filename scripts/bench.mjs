#!/usr/bin/env node
// `npm run bench -- <name>...` runs bench/<name>.mjs (all when none is named) and writes
// bench/results/<name>.json and bench/results/<name>.svg (a bar chart with targets).
import { mkdirSync, readdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const benchDir = join(root, "bench");
const outDir = join(benchDir, "results");
const wanted = process.argv.slice(2);
const all = readdirSync(benchDir).filter((f) => f.endsWith(".mjs")).map((f) => f.replace(/\.mjs$/, ""));
const names = wanted.length ? wanted : all;
for (const n of names) {
  if (!all.includes(n)) {
    console.error(`no benchmark "${n}"; have: ${all.join(", ")}`);
    process.exit(2);
  }
}
mkdirSync(outDir, { recursive: true });

function svgChart(title, unit, bars) {
  const w = 640, barH = 28, gap = 12, left = 200, top = 40;
  const max = Math.max(...bars.map((b) => Math.max(b.value, b.target ?? 0))) * 1.1 || 1;
  const h = top + bars.length * (barH + gap) + 30;
  const x = (v) => left + (v / max) * (w - left - 20);
  const rows = bars.map((b, i) => {
    const y = top + i * (barH + gap);
    const target = b.target !== undefined ? `<line x1="${x(b.target)}" x2="${x(b.target)}" y1="${y - 4}" y2="${y + barH + 4}" stroke="#c00" stroke-dasharray="4 3"/>` : "";
    return `<text x="${left - 8}" y="${y + barH / 2 + 5}" text-anchor="end" font-size="13">${b.label}</text><rect x="${left}" y="${y}" width="${x(b.value) - left}" height="${barH}" fill="#4a7ebb"/><text x="${x(b.value) + 4}" y="${y + barH / 2 + 5}" font-size="12">${b.value}</text>${target}`;
  });
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}" font-family="sans-serif"><rect width="100%" height="100%" fill="#fff"/><text x="10" y="22" font-size="15" font-weight="bold">${title} — ${unit} (dashed: target)</text>${rows.join("")}</svg>\n`;
}

let failed = false;
for (const n of names) {
  const mod = await import(pathToFileURL(join(benchDir, `${n}.mjs`)).href);
  console.log(`bench ${n} ...`);
  const started = new Date().toISOString();
  const result = await mod.run({ root });
  const os = await import("node:os");
  // The load average says how much else ran on the machine, which timings depend on.
  const doc = { name: n, started, node: process.version, cpus: os.cpus().length, loadAverageAtStart: os.loadavg().map((l) => +l.toFixed(2)), ...result };
  writeFileSync(join(outDir, `${n}.json`), JSON.stringify(doc, null, 2) + "\n");
  writeFileSync(join(outDir, `${n}.svg`), svgChart(n, result.metric, result.chart));
  for (const r of result.results) console.log(`  ${JSON.stringify(r)}`);
  if (result.results.some((r) => r.met === false)) failed = true;
}
console.log(`results in ${outDir}`);
if (failed) console.log("some targets were not met (see met: false above)");
