import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { KubeClient, Resources, type Lease } from "../../../core/client/index.js";
import { kitbashBin } from "../../support/cli.js";
import { startCluster, type Cluster } from "../../support/cluster.js";
import { until } from "../../support/until.js";

const LEASE = { duration: 3000, renew: 2000, retry: 500 };

/** A `kitbash controller-manager` process against the cluster, with short lease timings, its log kept. */
class ControllerManagerProcess {
  readonly child: ChildProcess;
  log = "";

  constructor(
    readonly identity: string,
    kubeconfig: string,
    dataDir: string,
  ) {
    const set = (kv: string) => ["--set", `components.controller-manager.settings.${kv}`];
    this.child = spawn(
      process.execPath,
      [
        kitbashBin, "controller-manager", "--profile", "control-plane", "--kubeconfig", kubeconfig, "--data-dir", dataDir, "--port", "0",
        ...set(`identity=${identity}`),
        ...set(`leaderElection.leaseDuration=${LEASE.duration}ms`),
        ...set(`leaderElection.renewDeadline=${LEASE.renew}ms`),
        ...set(`leaderElection.retryPeriod=${LEASE.retry}ms`),
      ],
      { env: { ...process.env, KITBASH_LOG_LEVEL: "info" }, stdio: ["ignore", "pipe", "pipe"] },
    );
    this.child.stderr!.on("data", (d) => (this.log += d));
    this.child.stdout!.on("data", (d) => (this.log += d));
  }

  /** Times this process started its controllers (one per term as leader). */
  terms(): number {
    return this.log.split("\n").filter((l) => l.includes('"msg":"started controllers"')).length;
  }

  /** The address of the process's own listener, as its banner printed it. */
  url(): Promise<string> {
    return until("metrics address", () => /controller manager metrics: (\S+)\/metrics/.exec(this.log)?.[1]);
  }

  async metrics(): Promise<string> {
    return (await fetch(`${await this.url()}/metrics`)).text();
  }

  stop(signal: NodeJS.Signals): Promise<void> {
    return new Promise((resolve) => {
      if (this.child.exitCode !== null || this.child.signalCode !== null) return resolve();
      this.child.once("exit", () => resolve());
      this.child.kill(signal);
    });
  }
}


describe("two controller managers", () => {
  let cluster: Cluster;
  let client: KubeClient;
  const dataDir = mkdtempSync(join(tmpdir(), "kitbash-le-"));
  const procs: ControllerManagerProcess[] = [];

  beforeAll(async () => {
    // The cluster's own controller manager is off: the two under test are the only candidates.
    cluster = await startCluster(join(dataDir, "cluster"), ["--set", "components.controller-manager.enabled=false"]);
    client = await KubeClient.fromKubeconfig(cluster.kubeconfig);
  });

  afterAll(async () => {
    await Promise.all(procs.map((p) => p.stop("SIGKILL")));
    client?.close();
    await cluster?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const holder = async () => (await client.resource<Lease>(Resources.leases, "kube-system").get("kube-controller-manager").catch(() => undefined))?.spec?.holderIdentity;

  it("only the lease holder runs controllers; the other takes over when the leader is killed", async () => {
    const a = new ControllerManagerProcess("cm-a", cluster.kubeconfig, join(dataDir, "a"));
    procs.push(a);
    await until("cm-a to lead", () => a.terms() === 1);
    const b = new ControllerManagerProcess("cm-b", cluster.kubeconfig, join(dataDir, "b"));
    procs.push(b);
    await until("cm-b to start campaigning", () => b.log.includes("controller manager connected"));
    expect(await holder()).toBe("cm-a");

    // The leader reconciles: a new namespace gets its default ServiceAccount.
    await client.resource(Resources.namespaces).create({ apiVersion: "v1", kind: "Namespace", metadata: { name: "le-one" } });
    await until("default SA in le-one", () => client.resource(Resources.serviceAccounts, "le-one").get("default").catch(() => undefined));
    // Two lease durations on, the follower has still not started anything.
    await new Promise((r) => setTimeout(r, 2 * LEASE.duration));
    expect(b.terms()).toBe(0);
    expect(await holder()).toBe("cm-a");
    // Their metrics say the same: the leader's queues have worked, the follower has none.
    const leaderMetrics = await a.metrics();
    expect(leaderMetrics).toMatch(/^leader_election_master_status\{name="kube-controller-manager"\} 1$/m);
    expect(leaderMetrics).toMatch(/^workqueue_adds_total\{name="serviceaccount"\} [1-9]/m);
    const followerMetrics = await b.metrics();
    expect(followerMetrics).toMatch(/^leader_election_master_status\{name="kube-controller-manager"\} 0$/m);
    expect(followerMetrics).not.toMatch(/^workqueue_adds_total\{/m);
    const healthz = await fetch(`${await a.url()}/healthz`);
    expect([healthz.status, await healthz.text()]).toEqual([200, "ok"]);

    // Killed without a chance to release the lease, the leader is replaced once the lease runs out.
    const killedAt = Date.now();
    await a.stop("SIGKILL");
    await until("cm-b to lead", () => b.terms() === 1, LEASE.duration * 4).catch((e) => { console.log("B LOG", b.log); throw e; });
    const handover = Date.now() - killedAt;
    console.log(`leader killed: cm-b took over in ${handover} ms (lease ${LEASE.duration} ms, retry ${LEASE.retry} ms)`);
    expect(handover).toBeLessThan(LEASE.duration + 2 * LEASE.retry * 2.2 + 1000);
    expect(await holder()).toBe("cm-b");
    const lease = await client.resource<Lease>(Resources.leases, "kube-system").get("kube-controller-manager");
    expect(lease.spec?.leaseTransitions).toBe(1);

    await client.resource(Resources.namespaces).create({ apiVersion: "v1", kind: "Namespace", metadata: { name: "le-two" } });
    await until("default SA in le-two", () => client.resource(Resources.serviceAccounts, "le-two").get("default").catch(() => undefined));
  }, 90_000);

  it("a leader stopped with SIGTERM hands the lease back, so a successor need not wait it out", async () => {
    const b = procs[1]!;
    const c = new ControllerManagerProcess("cm-c", cluster.kubeconfig, join(dataDir, "c"));
    procs.push(c);
    await until("cm-c to start campaigning", () => c.log.includes("controller manager connected"));
    const stoppedAt = Date.now();
    await b.stop("SIGTERM");
    expect(b.child.exitCode).toBe(0);
    await until("cm-c to lead", () => c.terms() === 1, LEASE.duration * 4);
    const handover = Date.now() - stoppedAt;
    console.log(`leader stopped: cm-c took over in ${handover} ms`);
    // Released, the lease is free at cm-c's next retry, well within one lease duration.
    expect(handover).toBeLessThan(LEASE.duration);
    expect(await holder()).toBe("cm-c");
  });
});
