#!/usr/bin/env node
// Writes docs/compatibility.md from the kubectl end-to-end suite (test/e2e/kubectl/).
//
//   node scripts/gen-compatibility.mjs                  build, run the suite, write the table
//   node scripts/gen-compatibility.mjs --results F.json read a vitest JSON report instead of running
//   node scripts/gen-compatibility.mjs --out FILE       write somewhere else (default docs/compatibility.md)
//
// A test belongs to a command when its name starts with that command in backticks, e.g.
// "`kubectl get -o jsonpath` prints …". Commands the project promises but no test names
// are listed as "not covered", so a gap shows instead of hiding.
import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const suiteDir = "test/e2e/kubectl";

/** The commands the kubectl compatibility work promises, in the order the table shows them. */
const PROMISED = [
  "kubectl apply -f",
  "kubectl apply --server-side",
  "kubectl get",
  "kubectl get -o wide",
  "kubectl get -o yaml",
  "kubectl get -o json",
  "kubectl get -o jsonpath",
  "kubectl get -o custom-columns",
  "kubectl get -w",
  "kubectl get -l",
  "kubectl get --field-selector",
  "kubectl get -A",
  "kubectl get --show-labels",
  "kubectl get all",
  "kubectl describe pod",
  "kubectl describe deployment",
  "kubectl describe service",
  "kubectl describe node",
  "kubectl describe namespace",
  "kubectl edit",
  "kubectl patch --type=strategic",
  "kubectl patch --type=merge",
  "kubectl patch --type=json",
  "kubectl label",
  "kubectl annotate",
  "kubectl scale",
  "kubectl set image",
  "kubectl delete --cascade=background",
  "kubectl delete --cascade=foreground",
  "kubectl delete --cascade=orphan",
  "kubectl delete --grace-period",
  "kubectl delete -l",
  "kubectl create namespace",
  "kubectl create configmap",
  "kubectl create secret",
  "kubectl create deployment",
  "kubectl create service clusterip",
  "kubectl run",
  "kubectl expose",
  "kubectl api-resources",
  "kubectl api-versions",
  "kubectl explain",
  "kubectl explain --recursive",
  "kubectl diff",
  "kubectl wait --for=condition",
  "kubectl wait --for=delete",
  "kubectl wait --for=jsonpath",
  "kubectl auth whoami",
  "kubectl auth can-i",
  "kubectl version",
  "kubectl cluster-info",
];

function parseArgs(argv) {
  const opts = { out: join(root, "docs", "compatibility.md") };
  const value = (i, flag) => (argv[i] && !argv[i].startsWith("--") ? argv[i] : fail(`${flag} needs a file`));
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === "--results") opts.results = value(++i, a);
    else if (a === "--out") opts.out = value(++i, a);
    else if (a === "--help" || a === "-h") {
      console.log("usage: node scripts/gen-compatibility.mjs [--results vitest-report.json] [--out docs/compatibility.md]");
      process.exit(0);
    } else fail(`unknown argument ${a}`);
  }
  return opts;
}

function fail(message) {
  console.error(`gen-compatibility: ${message}`);
  process.exit(2);
}

/** Builds dist/ (the suite starts the built `kitbash up`) and runs the suite with vitest's JSON reporter. */
function runSuite() {
  const tmp = mkdtempSync(join(tmpdir(), "kitbash-compat-"));
  const report = join(tmp, "report.json");
  const build = spawnSync("npx", ["tsc", "-p", "tsconfig.build.json"], { cwd: root, stdio: "inherit" });
  if (build.status !== 0) fail("the build failed; fix it before generating the table");
  // A failing test still yields a report; its failure belongs in the table.
  spawnSync("npx", ["vitest", "run", suiteDir, "--reporter=default", "--reporter=json", `--outputFile.json=${report}`], { cwd: root, stdio: "inherit" });
  let text;
  try {
    text = readFileSync(report, "utf8");
  } catch {
    fail(`vitest wrote no report to ${report}`);
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
  return text;
}

function kubectlVersion() {
  try {
    return JSON.parse(execFileSync("kubectl", ["version", "--client", "-o", "json"], { encoding: "utf8" })).clientVersion.gitVersion;
  } catch {
    return "kubectl not found";
  }
}

const RESULT = { passed: "pass", failed: "FAIL", skipped: "skipped", pending: "skipped", todo: "skipped" };

/** Tests of the kubectl suite named after a command: `{command, checks, result, file}`. */
function commandTests(report) {
  const out = [];
  for (const file of report.testResults ?? []) {
    const path = relative(root, file.name).split("\\").join("/");
    if (!path.startsWith(`${suiteDir}/`)) continue;
    for (const t of file.assertionResults ?? []) {
      const m = /^`(kubectl [^`]+)`\s*(.*)$/.exec(t.title);
      if (!m) continue;
      out.push({ command: m[1].trim().replace(/\s+/g, " "), checks: m[2], result: RESULT[t.status] ?? t.status, file: path.slice(suiteDir.length + 1) });
    }
  }
  return out;
}

/**
 * The promised commands in their order, each followed by the tested commands it is a
 * prefix of (`kubectl auth whoami --as` after `kubectl auth whoami`); the rest at the end.
 */
function ordered(tested) {
  const extra = tested.filter((c) => !PROMISED.includes(c)).sort();
  const parent = (c) => PROMISED.filter((p) => c.startsWith(`${p} `)).sort((a, b) => b.length - a.length)[0];
  const out = [];
  for (const p of PROMISED) out.push(p, ...extra.filter((c) => parent(c) === p));
  return [...out, ...extra.filter((c) => !parent(c))];
}

const cell = (s) => String(s).replace(/\|/g, "\\|").replace(/\n/g, " ");

function render(tests, version) {
  const byCommand = new Map();
  for (const t of tests) byCommand.set(t.command, [...(byCommand.get(t.command) ?? []), t]);
  const rows = [];
  for (const command of ordered([...byCommand.keys()])) {
    const ts = byCommand.get(command);
    if (!ts) rows.push(`| \`${command}\` | no test yet | not covered | – |`);
    else for (const t of ts) rows.push(`| \`${command}\` | ${cell(t.checks)} (${t.file}) | ${t.result} | ${version} |`);
  }
  const count = (r) => tests.filter((t) => t.result === r).length;
  const uncovered = PROMISED.filter((c) => !byCommand.has(c)).length;
  return [
    "<!-- generated by `node scripts/gen-compatibility.mjs` (npm run compat) from the kubectl suite; do not edit -->",
    "# kubectl compatibility",
    "",
    `The real kubectl (${version}) against Kitbash, from the end-to-end suite in \`${suiteDir}/\`: each row`,
    "is one test, which runs the command against a started cluster and asserts its output.",
    "The suite runs on the `control-plane` profile (or a variant of it), with no controllers or nodes yet: where a command",
    "needs state a controller or kubelet would make, the test writes it through the API (status",
    "subresources, bindings, EndpointSlices), as those components will.",
    "",
    `Summary: ${count("pass")} passed, ${count("FAIL")} failed, ${count("skipped")} skipped; ${uncovered} promised command${uncovered === 1 ? "" : "s"} not covered yet.`,
    "",
    "| Command | What is checked | Result | kubectl |",
    "| --- | --- | --- | --- |",
    ...rows,
    "",
  ].join("\n");
}

const opts = parseArgs(process.argv.slice(2));
let reportText;
if (opts.results) {
  try {
    reportText = readFileSync(opts.results, "utf8");
  } catch (err) {
    fail(`cannot read ${opts.results}: ${err.message}`);
  }
} else {
  reportText = runSuite();
}
let report;
try {
  report = JSON.parse(reportText);
} catch (err) {
  fail(`${opts.results ?? "the vitest report"} is not JSON: ${err.message}`);
}
const tests = commandTests(report);
if (!tests.length) fail(`no test of ${suiteDir}/ in the report is named after a kubectl command`);
writeFileSync(opts.out, render(tests, kubectlVersion()));
console.log(`gen-compatibility: wrote ${relative(process.cwd(), opts.out)} (${tests.length} tests)`);
