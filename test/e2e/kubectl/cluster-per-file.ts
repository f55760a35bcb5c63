import { spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, expect } from "vitest";
import { hasKubectl, startCluster, type Cluster } from "../../support/cluster.js";
import { partAvailable } from "../../support/parts.js";

/** The kubectl suite needs the real kubectl; without it every file skips with this reason printed. */
export const kubectlMissing = !partAvailable("kubectl", hasKubectl(), "the machine image (kubectl v1.32 on PATH)");

export interface KubectlFile {
  /** The cluster this file shares, started once before its first test. */
  readonly cluster: Cluster;
  /** kubectl that must succeed; gives its stdout. */
  ok(args: string[], opts?: { input?: string; env?: NodeJS.ProcessEnv }): Promise<string>;
  /** kubectl that must fail; gives its stderr. */
  fails(args: string[]): Promise<string>;
  /** Writes a manifest into the file's scratch folder and gives its path. */
  manifest(name: string, text: string): string;
  /** A path in the file's scratch folder. */
  scratch(name: string): string;
  /** A JSON request with the admin certificate that must answer 2xx; gives the parsed body. */
  api(method: string, path: string, body?: unknown, contentType?: string): Promise<any>;
}

/**
 * The controllers the kubectl suite runs: those whose work its commands show (cascading and
 * namespace deletion, default service accounts, certificate approval and signing, aggregated
 * ClusterRoles, quota usage). Workload and endpoint controllers, which add objects and managed fields of
 * their own to what a command prints, are tested in their own suites.
 */
const KUBECTL_SUITE_CONTROLLERS = ["garbagecollector", "namespace", "serviceaccount", "csrapproving", "csrsigning", "clusterrole-aggregation", "resourcequota"];

/**
 * One started cluster for the whole file: the control-plane profile (API server and controller
 * manager, no nodes), or the profile whose YAML is given.
 */
export function clusterPerFile(opts: { profile?: string } = {}): KubectlFile {
  // Made in the hooks, so a skipped file leaves nothing behind.
  let dir = "";
  let cluster: Cluster | undefined;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "kitbash-kubectl-"));
    let profile = "control-plane";
    if (opts.profile) {
      profile = join(dir, "profile.yaml");
      writeFileSync(profile, opts.profile);
    }
    cluster = await startCluster(join(dir, "data"), ["--profile", profile, "--set", `components.controller-manager.settings.controllers=${JSON.stringify(KUBECTL_SUITE_CONTROLLERS)}`]);
  });
  afterAll(async () => {
    await cluster?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });
  const file: KubectlFile = {
    get cluster() {
      if (!cluster) throw new Error("the cluster has not started");
      return cluster;
    },
    async ok(args, opts) {
      const r = await file.cluster.kubectl(args, opts);
      expect(r.stderr, `kubectl ${args.join(" ")}`).toBe("");
      expect(r.code, `kubectl ${args.join(" ")}`).toBe(0);
      return r.stdout;
    },
    async fails(args) {
      const r = await file.cluster.kubectl(args);
      expect(r.code, `kubectl ${args.join(" ")} should fail`).not.toBe(0);
      return r.stderr;
    },
    manifest(name, text) {
      const p = join(dir, name);
      writeFileSync(p, text);
      return p;
    },
    scratch: (name) => join(dir, name),
    async api(method, path, body, contentType = "application/json") {
      const r = await file.cluster.api(method, path, body === undefined ? undefined : JSON.stringify(body), { "Content-Type": contentType });
      expect(r.status, `${method} ${path}: ${r.body}`).toBeLessThan(300);
      return JSON.parse(r.body);
    },
  };
  return file;
}

/**
 * Runs a long-lived kubectl (`get -w`) until its output satisfies `done`, then stops it.
 * `during` runs once the command has started, to make the changes it should see.
 */
export async function streamUntil(c: Cluster, args: string[], done: (out: string) => boolean, during: () => Promise<void>, timeoutMs = 15_000): Promise<string> {
  const p = spawn("kubectl", ["--kubeconfig", c.kubeconfig, "--cache-dir", join(c.dataDir, "kubectl-cache"), ...args], { stdio: ["ignore", "pipe", "pipe"] });
  let out = "";
  let err = "";
  p.stdout.on("data", (d) => (out += d));
  p.stderr.on("data", (d) => (err += d));
  try {
    // The first lines (the current state) say the watch is established.
    await until(() => out.length > 0 || p.exitCode !== null, timeoutMs);
    await during();
    await until(() => done(out) || p.exitCode !== null, timeoutMs);
  } finally {
    p.kill();
  }
  if (!done(out)) throw new Error(`kubectl ${args.join(" ")} did not print what was expected:\n${out}\n${err}`);
  return out;
}

export async function until(cond: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error("timed out");
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Splits a kubectl table into rows of whitespace-separated cells (headers first). */
export function table(out: string): string[][] {
  return out
    .trimEnd()
    .split("\n")
    .filter((l) => l.trim())
    .map((l) => l.trim().split(/\s{2,}/));
}
