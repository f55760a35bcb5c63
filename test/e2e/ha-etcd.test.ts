import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LocalEtcdCluster } from "../../core/etcd/local-cluster.js";
import { createRootLogger } from "../../core/kernel/logging.js";
import { startCluster, type Cluster } from "../support/cluster.js";
import { etcdAvailable, freePort } from "../support/etcd.js";
import { until } from "../support/until.js";

const LEASE = { duration: 3000, renew: 2000, retry: 500 };


describe.runIf(etcdAvailable())("the ha-etcd profile: two API servers on a 3-member etcd", () => {
  const dir = mkdtempSync(join(tmpdir(), "kitbash-ha-"));
  let etcd: LocalEtcdCluster;
  let a: Cluster;
  let b: Cluster;

  /** One `kitbash up --profile ha-etcd` on the test's etcd members, sharing the data dir (and so the PKI). */
  const server = (identity: string) =>
    startCluster(join(dir, "data"), [
      "--profile", "ha-etcd",
      "--set", "components.etcd.enabled=false",
      "--set", `components.apiserver.pluginConfig=[{name: etcd3, args: {endpoints: [${etcd.endpoints.join(", ")}], requestTimeoutMs: 3000}}]`,
      "--set", `components.controller-manager.settings.identity=${identity}`,
      "--set", `components.controller-manager.settings.leaderElection.leaseDuration=${LEASE.duration}ms`,
      "--set", `components.controller-manager.settings.leaderElection.renewDeadline=${LEASE.renew}ms`,
      "--set", `components.controller-manager.settings.leaderElection.retryPeriod=${LEASE.retry}ms`,
    ]);

  beforeAll(async () => {
    const members = [];
    for (let i = 0; i < 3; i++) members.push({ name: `m${i}`, clientPort: await freePort(), peerPort: await freePort() });
    etcd = new LocalEtcdCluster({
      binary: "etcd",
      host: "127.0.0.1",
      members,
      dir: join(dir, "etcd"),
      readyTimeoutMs: 30_000,
      progressNotifyIntervalMs: 500,
      logger: createRootLogger({ level: "warn" }),
    });
    await etcd.start();
    a = await server("cm-a");
    b = await server("cm-b");
  }, 90_000);

  afterAll(async () => {
    await a?.stop("SIGKILL");
    await b?.stop("SIGKILL");
    await etcd?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it("under a write storm, killing the etcd member in use loses no write answered 2xx, and writes go on", async () => {
    const answered = new Set<string>();
    let failed = 0;
    let okAfterKill = 0;
    let killedAt = 0;
    const stopAt = Date.now() + 7000;
    const writer = async (w: number) => {
      for (let i = 0; Date.now() < stopAt; i++) {
        const name = `storm-${w}-${i}`;
        const body = JSON.stringify({ apiVersion: "v1", kind: "ConfigMap", metadata: { name }, data: { i: String(i) } });
        const res = await (w % 2 ? a : b).api("POST", "/api/v1/namespaces/default/configmaps", body).catch(() => ({ status: 0 }));
        if (res.status === 201) {
          answered.add(name);
          if (killedAt && Date.now() > killedAt) okAfterKill++;
        } else failed++;
      }
    };
    const storm = Promise.all(Array.from({ length: 8 }, (_, w) => writer(w)));
    await new Promise((r) => setTimeout(r, 2000));
    // The first endpoint is the member both API servers send their calls to.
    killedAt = Date.now();
    await etcd.stopMember("m0", "SIGKILL");
    await storm;
    console.log(`write storm: ${answered.size} writes answered 201, ${failed} refused while failing over, ${okAfterKill} answered after the member was killed`);

    expect(answered.size).toBeGreaterThan(50);
    expect(okAfterKill).toBeGreaterThan(10);
    // Read back through the other API server: every answered write is there.
    for (const via of [a, b]) {
      const list = await via.api("GET", "/api/v1/namespaces/default/configmaps");
      expect(list.status).toBe(200);
      const stored = new Set((JSON.parse(list.body) as { items: { metadata: { name: string } }[] }).items.map((i) => i.metadata.name));
      const lost = [...answered].filter((n) => !stored.has(n));
      expect(lost).toEqual([]);
    }
    // The member comes back on its data and the cluster goes on.
    etcd.startMember("m0");
  }, 60_000);

  it("a write through one API server is seen by a watch on the other", async () => {
    const watch = b.api("GET", "/api/v1/namespaces/default/configmaps?watch=1&fieldSelector=metadata.name%3Dcross&timeoutSeconds=5");
    await new Promise((r) => setTimeout(r, 300));
    expect((await a.api("POST", "/api/v1/namespaces/default/configmaps", JSON.stringify({ metadata: { name: "cross" } }))).status).toBe(201);
    const events = (await watch).body.trim().split("\n").map((l) => JSON.parse(l) as { type: string; object: { metadata: { name: string } } });
    expect(events.map((e) => [e.type, e.object.metadata.name])).toContainEqual(["ADDED", "cross"]);
  }, 20_000);

  it("killing the server whose controller manager leads hands the lease over within its duration", async () => {
    const holder = async (via: Cluster) => {
      const res = await via.api("GET", "/apis/coordination.k8s.io/v1/namespaces/kube-system/leases/kube-controller-manager");
      return res.status === 200 ? (JSON.parse(res.body) as { spec: { holderIdentity?: string } }).spec.holderIdentity : undefined;
    };
    const leader = await until("a controller-manager leader", () => holder(b));
    const [dying, surviving, next] = leader === "cm-a" ? [a, b, "cm-b"] : [b, a, "cm-a"];
    const killedAt = Date.now();
    await dying.stop("SIGKILL");
    await until(`${next} to hold the lease`, async () => (await holder(surviving)) === next, LEASE.duration * 5);
    const handover = Date.now() - killedAt;
    console.log(`controller-manager leader killed with its API server: ${next} took over in ${handover} ms (lease ${LEASE.duration} ms)`);
    expect(handover).toBeLessThan(LEASE.duration + 4 * LEASE.retry + 1000);

    // The new leader reconciles through the surviving API server.
    expect((await surviving.api("POST", "/api/v1/namespaces", JSON.stringify({ metadata: { name: "after-handover" } }))).status).toBe(201);
    await until("default SA in after-handover", async () => (await surviving.api("GET", "/api/v1/namespaces/after-handover/serviceaccounts/default")).status === 200);
  }, 60_000);
});

describe.runIf(etcdAvailable())("kitbash up with the etcd component", () => {
  it("starts the profile's etcd members itself, before the API server that uses them", async () => {
    const dir = mkdtempSync(join(tmpdir(), "kitbash-local-etcd-"));
    const members = [];
    for (let i = 0; i < 3; i++) members.push(`{name: e${i}, clientPort: ${await freePort()}, peerPort: ${await freePort()}}`);
    const endpoints = members.map((m) => `http://127.0.0.1:${/clientPort: (\d+)/.exec(m)![1]}`);
    const c = await startCluster(dir, [
      "--profile", "ha-etcd",
      "--set", `components.etcd.settings.members=[${members.join(", ")}]`,
      "--set", `components.apiserver.pluginConfig=[{name: etcd3, args: {endpoints: [${endpoints.join(", ")}]}}]`,
    ]);
    try {
      expect((await c.api("POST", "/api/v1/namespaces", JSON.stringify({ metadata: { name: "on-local-etcd" } }))).status).toBe(201);
      // Each member answers on its own, and holds the namespace under upstream's key.
      for (const e of endpoints) {
        const health = (await (await fetch(`${e}/health`)).json()) as { health: string };
        expect(health.health).toBe("true");
      }
      const key = Buffer.from("/registry/namespaces/on-local-etcd").toString("base64");
      const range = (await (await fetch(`${endpoints[2]}/v3/kv/range`, { method: "POST", body: JSON.stringify({ key }) })).json()) as { count?: string };
      expect(range.count).toBe("1");
    } finally {
      await c.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);

  it("names the missing etcd binary and what provides it", async () => {
    const dir = mkdtempSync(join(tmpdir(), "kitbash-local-etcd-"));
    const err = await startCluster(dir, [
      "--profile", "ha-etcd",
      "--set", "components.etcd.settings.binary=etcd-that-is-not-here",
      "--set", `components.etcd.settings.members=[{name: e0, clientPort: ${await freePort()}, peerPort: ${await freePort()}}]`,
      "--set", "components.etcd.settings.readyTimeoutSeconds=3",
    ]).catch((e: unknown) => e as Error);
    rmSync(dir, { recursive: true, force: true });
    expect(err).toBeInstanceOf(Error);
    expect((err as Error).message).toMatch(/etcd-that-is-not-here/);
    expect((err as Error).message).toMatch(/etcd-server/);
  }, 30_000);
});
