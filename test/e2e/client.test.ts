import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { join } from "node:path";
import { startCluster, type Cluster } from "../support/cluster.js";
import { tempDir } from "../support/temp.js";
import {
  ApiStatusError,
  EventSink,
  KubeClient,
  LeaderElector,
  Resources,
  SharedInformerFactory,
  discoverPreferredResources,
  isAlreadyExists,
  isConflict,
  isNotFound,
  loadKubeconfig,
  type KubeObject,
  type Lease,
  type NegotiatingTransport,
} from "../../core/client/index.js";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";

let cluster: Cluster;
let client: KubeClient;
const dataDir = mkdtempSync(join(tmpdir(), "kitbash-client-"));

beforeAll(async () => {
  cluster = await startCluster(dataDir);
  client = await KubeClient.fromKubeconfig(cluster.kubeconfig);
});

afterAll(async () => {
  client?.close();
  await cluster?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

const until = async (check: () => boolean | Promise<boolean>, ms = 10_000) => {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) throw new Error("condition not met in time");
    await new Promise((r) => setTimeout(r, 25));
  }
};

describe.each([
  ["h2", "h2"],
  ["http/1.1", "h1"],
] as const)("REST client over %s against a started API server", (protocol, tag) => {
  let client: KubeClient;
  beforeAll(async () => {
    client = await KubeClient.fromKubeconfig(cluster.kubeconfig, { protocol });
  });
  afterAll(() => client.close());

  it("watches: events arrive on the stream as they happen", async () => {
    const cms = client.resource(Resources.configMaps, "default");
    const ac = new AbortController();
    const seen: string[] = [];
    const watching = (async () => {
      for await (const e of cms.watch({ labelSelector: `watched=${tag}` }, ac.signal)) {
        seen.push(`${e.type} ${e.object.metadata.name}`);
        if (e.type === "DELETED") ac.abort();
      }
    })();
    await new Promise((r) => setTimeout(r, 100));
    await cms.create({ apiVersion: "v1", kind: "ConfigMap", metadata: { name: `w-${tag}`, labels: { watched: tag } } });
    await cms.delete(`w-${tag}`);
    await watching;
    expect(seen).toEqual([`ADDED w-${tag}`, `DELETED w-${tag}`]);
  });

  it("reads the kubeconfig's server and certificates", async () => {
    const cfg = await loadKubeconfig(cluster.kubeconfig);
    expect(cfg.server).toBe(cluster.url);
    expect(cfg.ca).toContain("BEGIN CERTIFICATE");
    expect(cfg.cert).toContain("BEGIN CERTIFICATE");
    expect(cfg.key).toContain("PRIVATE KEY");
  });

  it("creates, gets, updates, patches three ways and deletes, with typed Status errors", async () => {
    const cms = client.resource(Resources.configMaps, "default");
    const created = await cms.create({ apiVersion: "v1", kind: "ConfigMap", metadata: { name: `c1-${tag}` }, data: { a: "1" } } as KubeObject);
    expect(created.metadata.uid).toBeTruthy();
    const again = await cms.create({ apiVersion: "v1", kind: "ConfigMap", metadata: { name: `c1-${tag}` } }).catch((e) => e);
    expect(again).toBeInstanceOf(ApiStatusError);
    expect(isAlreadyExists(again)).toBe(true);
    expect((again as ApiStatusError).code).toBe(409);
    expect((again as ApiStatusError).reason).toBe("AlreadyExists");

    const updated = await cms.update({ ...created, data: { a: "2" } });
    expect(updated.data).toEqual({ a: "2" });
    const stale = await cms.update({ ...created, data: { a: "3" } }).catch((e) => e);
    expect(isConflict(stale)).toBe(true);

    expect((await cms.patch(`c1-${tag}`, "merge", { data: { b: "x" } })).data).toEqual({ a: "2", b: "x" });
    expect((await cms.patch(`c1-${tag}`, "strategic", { metadata: { labels: { l: "v", proto: tag } } })).metadata.labels).toEqual({ l: "v", proto: tag });
    expect((await cms.patch(`c1-${tag}`, "json", [{ op: "remove", path: "/data/a" }])).data).toEqual({ b: "x" });

    const listed = await cms.list({ labelSelector: `l=v,proto=${tag}` });
    expect(listed.items.map((i) => i.metadata.name)).toEqual([`c1-${tag}`]);
    await cms.delete(`c1-${tag}`);
    const gone = await cms.get(`c1-${tag}`).catch((e) => e);
    expect(isNotFound(gone)).toBe(true);
    expect((gone as ApiStatusError).reason).toBe("NotFound");
  });

  it("writes the status subresource apart from the spec", async () => {
    const nss = client.resource(Resources.namespaces);
    await nss.create({ apiVersion: "v1", kind: "Namespace", metadata: { name: `client-status-${tag}` } });
    const ns = await nss.get(`client-status-${tag}`);
    const after = await nss.updateStatus({ ...ns, status: { phase: "Active", conditions: [{ type: "NamespaceDeletionDiscoveryFailure", status: "False", reason: "ResourcesDiscovered", message: "ok" }] } });
    expect((after.status as { conditions: unknown[] }).conditions).toHaveLength(1);
    const patched = await nss.patchStatus(`client-status-${tag}`, "merge", { status: { conditions: [{ type: "NamespaceDeletionDiscoveryFailure", status: "True", reason: "DiscoveryFailed", message: "x" }] } });
    expect((patched.status as { conditions: { status: string }[] }).conditions.map((c) => c.status)).toEqual(["True"]);
    // The status subresource leaves the spec alone.
    expect((patched.spec as { finalizers: string[] }).finalizers).toEqual(["kubernetes"]);
  });

  it("pages a list at one revision", async () => {
    const cms = client.resource(Resources.configMaps, "default");
    for (let i = 0; i < 7; i++) await cms.create({ apiVersion: "v1", kind: "ConfigMap", metadata: { name: `page-${tag}-${i}`, labels: { paged: tag } } });
    const all = await cms.listAll({ labelSelector: `paged=${tag}` }, 3);
    expect(all.items.map((i) => i.metadata.name).sort()).toEqual([0, 1, 2, 3, 4, 5, 6].map((i) => `page-${tag}-${i}`));
  });

  it("discovers served resources at their preferred versions", async () => {
    const resources = await discoverPreferredResources(client);
    const pods = resources.find((r) => r.group === "" && r.resource === "pods");
    expect(pods).toMatchObject({ version: "v1", namespaced: true, kind: "Pod" });
    expect(resources.find((r) => r.group === "apps" && r.resource === "deployments")?.verbs).toContain("delete");
    expect(resources.some((r) => r.resource.includes("/"))).toBe(false);
  });
});

describe("protocol", () => {
  it("auto speaks HTTP/2 to a server that offers it", async () => {
    await client.resource(Resources.namespaces).get("default");
    expect((client.transport as NegotiatingTransport).protocol()).toBe("h2");
  });
});

describe("shared informers", () => {
  it("list then watch: adds, updates and deletes reach handlers, indexes follow, hasSynced turns true", async () => {
    const nsName = "informer-a";
    await client.resource(Resources.namespaces).create({ apiVersion: "v1", kind: "Namespace", metadata: { name: nsName } });
    const cms = client.resource(Resources.configMaps, nsName);
    await cms.create({ apiVersion: "v1", kind: "ConfigMap", metadata: { name: "before", labels: { team: "x" } } });

    const factory = new SharedInformerFactory(client);
    const informer = factory.informerFor(Resources.configMaps);
    informer.addIndexers({ team: (o) => (o.metadata.labels?.team ? [o.metadata.labels.team] : []) });
    const seen: string[] = [];
    informer.addEventHandler({
      onAdd: (o, initial) => seen.push(`add ${o.metadata.name}${initial ? " (initial)" : ""}`),
      onUpdate: (_old, o) => seen.push(`update ${o.metadata.name}`),
      onDelete: (o) => seen.push(`delete ${o.metadata.name}`),
    });
    const ac = new AbortController();
    expect(informer.hasSynced()).toBe(false);
    factory.start(ac.signal);
    expect(await factory.waitForCacheSync(ac.signal)).toBe(true);
    expect(informer.hasSynced()).toBe(true);
    expect(seen).toContain("add before (initial)");

    await cms.create({ apiVersion: "v1", kind: "ConfigMap", metadata: { name: "after", labels: { team: "x" } } });
    await cms.patch("after", "merge", { metadata: { labels: { team: "y" } } });
    await cms.delete("before");
    await until(() => seen.includes("delete before"));
    expect(seen).toContain("add after");
    expect(seen).toContain("update after");
    // Every namespace also gets kube-root-ca.crt from the controller manager.
    expect(informer.store.byIndex("namespace", nsName).map((o) => o.metadata.name).filter((n) => n !== "kube-root-ca.crt")).toEqual(["after"]);
    expect(informer.store.byIndex("team", "y").map((o) => o.metadata.name)).toEqual(["after"]);
    expect(informer.store.byIndex("team", "x")).toEqual([]);

    // A second informer for the same resource is the same object: one list, one watch.
    expect(factory.informerFor(Resources.configMaps)).toBe(informer);
    ac.abort();
    await factory.stop();
  });

  it("resyncs: handlers with a period get updates for every object again", async () => {
    const factory = new SharedInformerFactory(client);
    const informer = factory.informerFor(Resources.namespaces, { resyncMs: 200 });
    let resyncs = 0;
    informer.addEventHandler({ onUpdate: (a, b) => void (a === b && resyncs++) });
    const ac = new AbortController();
    factory.start(ac.signal);
    await factory.waitForCacheSync();
    await until(() => resyncs >= informer.store.size * 2);
    ac.abort();
    await factory.stop();
  });
});

describe("leader election", () => {
  it("one of two candidates leads; the other takes over when the leader stops, counting the transition", async () => {
    const mk = (identity: string, log: string[]) =>
      new LeaderElector({
        client,
        namespace: "kube-system",
        name: "client-test",
        identity,
        leaseDurationMs: 1500,
        renewDeadlineMs: 1000,
        retryPeriodMs: 200,
        onStartedLeading: () => void log.push(`${identity} leads`),
        onStoppedLeading: () => void log.push(`${identity} stopped`),
      });
    const log: string[] = [];
    const a = mk("a", log);
    const b = mk("b", log);
    const acA = new AbortController();
    const acB = new AbortController();
    const runA = a.run(acA.signal);
    await until(() => a.isLeader());
    const runB = b.run(acB.signal);
    await new Promise((r) => setTimeout(r, 600));
    expect(b.isLeader()).toBe(false);
    expect(b.currentLeader()).toBe("a");
    acA.abort();
    await runA;
    await until(() => b.isLeader(), 5000);
    const lease = await client.resource<Lease>(Resources.leases, "kube-system").get("client-test");
    expect(lease.spec).toMatchObject({ holderIdentity: "b", leaseDurationSeconds: 2, leaseTransitions: 1 });
    acB.abort();
    await runB;
    expect(log).toEqual(["a leads", "a stopped", "b leads", "b stopped"]);
  });

  it("a leader steps down when it can no longer renew", async () => {
    const leases = client.resource<Lease>(Resources.leases, "kube-system");
    let stopped = false;
    const el = new LeaderElector({
      client,
      namespace: "kube-system",
      name: "client-steal",
      identity: "victim",
      leaseDurationMs: 1500,
      renewDeadlineMs: 1000,
      retryPeriodMs: 200,
      onStartedLeading: () => undefined,
      onStoppedLeading: () => void (stopped = true),
    });
    const ac = new AbortController();
    const run = el.run(ac.signal);
    await until(() => el.isLeader());
    // Another holder overwrites the lease: the victim's next renewal sees it and steps down.
    const lease = await leases.get("client-steal");
    await leases.update({ ...lease, spec: { ...lease.spec, holderIdentity: "thief" } });
    await run;
    expect(stopped).toBe(true);
    expect(el.isLeader()).toBe(false);
  });
});

describe("event recorder", () => {
  it("creates an events.k8s.io/v1 Event and folds repeats into its series", async () => {
    const sink = new EventSink({ client, reportingController: "test-controller", reportingInstance: "test-1", seriesFlushMs: 50 });
    const rec = sink.recorderFor("test-controller");
    const cm = await client.resource(Resources.configMaps, "default").create({ apiVersion: "v1", kind: "ConfigMap", metadata: { name: "evented" } });
    rec.event(cm, "Normal", "Tested", "Test", "first note");
    rec.event(cm, "Normal", "Tested", "Test", "first note");
    rec.event(cm, "Normal", "Tested", "Test", "first note");
    rec.event(cm, "Warning", "Other", "Test", "another");
    await sink.flush();
    const events = await client.resource<KubeObject & { reason: string; series?: { count: number }; regarding: { name: string; uid: string } }>(Resources.events, "default").list();
    const mine = events.items.filter((e) => e.regarding.uid === cm.metadata.uid);
    expect(mine.map((e) => e.reason).sort()).toEqual(["Other", "Tested"]);
    const tested = mine.find((e) => e.reason === "Tested")!;
    expect(tested.series?.count).toBe(3);
    expect(tested).toMatchObject({ reportingController: "test-controller", reportingInstance: "test-1", action: "Test", type: "Normal", note: "first note" });
    await sink.stop();
  });
});
