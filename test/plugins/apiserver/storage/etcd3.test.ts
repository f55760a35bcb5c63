import { afterEach, describe, expect, it, vi } from "vitest";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import etcd3 from "../../../../plugins/apiserver/storage/etcd3/index.js";
import { StorageError, type Storage, type WatchEvent } from "../../../../core/apiserver/storage.js";
import { createCertificateAuthority, loadCertificateAuthority } from "../../../../core/pki/index.js";
import { validateAgainst } from "../../../../core/kernel/validate-args.js";
import { EtcdClient } from "../../../../plugins/apiserver/storage/etcd3/etcd-client.js";
import { progressRequestsAreSafe } from "../../../../plugins/apiserver/storage/etcd3/versions.js";
import { fakeApiServerHandle } from "../../../support/fake-handle.js";
import { tempDir } from "../../../support/temp.js";
import { etcdAvailable, startEtcd, type EtcdMember } from "../../../support/etcd.js";

const stores: Storage[] = [];
const members: EtcdMember[] = [];
afterEach(async () => {
  for (const s of stores.splice(0)) await s.stop?.();
  for (const m of members.splice(0)) await m.stop();
});

async function open(dataDir: string, args: Record<string, unknown>): Promise<Storage> {
  const full = { prefix: "", dialTimeoutMs: 2000, requestTimeoutMs: 2000, compactionIntervalSeconds: 0, watchProgressIntervalMs: 0, ...args };
  const s = await etcd3.create(full as Parameters<typeof etcd3.create>[0], fakeApiServerHandle(dataDir));
  await s.start?.(new AbortController().signal);
  stores.push(s);
  return s;
}

describe("etcd3 storage: progress requests", () => {
  it("are sent only to members whose answers cannot run ahead of a catching-up watch", () => {
    expect(["3.4.23", "3.4.30", "3.5.12", "3.3.27", "garbage"].map(progressRequestsAreSafe)).toEqual([false, false, false, false, false]);
    expect(["3.4.31", "3.5.13", "3.6.0", "4.0.0"].map(progressRequestsAreSafe)).toEqual([true, true, true, true]);
  });
});

describe("etcd3 storage args", () => {
  it("take a client certificate only with its key, and endpoints only as host:port URLs", () => {
    expect(validateAgainst(etcd3.args!, { certFile: "client.crt" }).map((p) => p.message).join("\n")).toMatch(/keyFile/);
    expect(validateAgainst(etcd3.args!, { keyFile: "client.key" }).map((p) => p.message).join("\n")).toMatch(/certFile/);
    expect(validateAgainst(etcd3.args!, { certFile: "client.crt", keyFile: "client.key" })).toEqual([]);
    expect(validateAgainst(etcd3.args!, { endpoints: ["etcd.example"] })).not.toEqual([]);
    expect(validateAgainst(etcd3.args!, { endpoints: ["https://10.0.0.5:2379", "10.0.0.6:2379"] })).toEqual([]);
  });
});

describe.runIf(etcdAvailable())("etcd3 storage against a real member", () => {
  it("talks TLS with a client certificate, and a member that requires one refuses a client without", async () => {
    const ca = await loadCertificateAuthority(await createCertificateAuthority("etcd-ca", 1));
    const server = await ca.issue({ commonName: "etcd", days: 1, serving: { dns: ["localhost"], ips: ["127.0.0.1"] }, clientAuth: true });
    const client = await ca.issue({ commonName: "kube-apiserver-etcd-client", days: 1, clientAuth: true });
    const m = await startEtcd({ tls: { ca: ca.cert, cert: server.cert, key: server.key } });
    members.push(m);
    expect(m.endpoint).toMatch(/^https:/);
    const dir = tempDir("kitbash-etcd3-tls-");
    writeFileSync(join(dir, "ca.crt"), ca.cert);
    writeFileSync(join(dir, "client.crt"), client.cert);
    writeFileSync(join(dir, "client.key"), client.key);

    // Relative paths are taken from the data dir.
    const s = await open(dir, { endpoints: [m.endpoint], caFile: "ca.crt", certFile: join(dir, "client.crt"), keyFile: "client.key", prefix: "/registry-tls" });
    const created = await s.create("/pods/default/a", "{}");
    expect(created.ok).toBe(true);
    expect((await s.list("/pods/")).kvs.map((kv) => kv.key)).toEqual(["/pods/default/a"]);

    const refused = await open(dir, { endpoints: [m.endpoint], caFile: "ca.crt" }).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(Error);
    expect(String(refused)).toMatch(/etcd/);
  });

  it("fails calls with unavailable while the member is down, and resumes watches from the last revision after it returns", async () => {
    const m = await startEtcd();
    members.push(m);
    const s = await open(tempDir("kitbash-etcd3-"), { endpoints: [m.endpoint] });
    const events: WatchEvent[] = [];
    const errors: StorageError[] = [];
    s.watch("/w/", 0, { onEvents: (e) => events.push(...e), onError: (e) => errors.push(e) });
    expect((await s.create("/w/before", "1")).ok).toBe(true);
    await vi.waitFor(() => expect(events).toHaveLength(1), { timeout: 5000 });

    await m.kill();
    const down = await s.create("/w/during", "1").catch((e: unknown) => e);
    expect(down).toBeInstanceOf(StorageError);
    expect(down).toMatchObject({ reason: "unavailable" });
    expect((down as Error).message).toMatch(/etcd at 127\.0\.0\.1:\d+/);

    await m.restart();
    await vi.waitFor(async () => expect((await s.create("/w/after", "1")).ok).toBe(true), { timeout: 15000, interval: 200 });
    await vi.waitFor(() => expect(events.map((e) => e.kv.key)).toEqual(["/w/before", "/w/after"]), { timeout: 15000 });
    expect(errors).toEqual([]);
  });

  it("compacts on its own every interval, to the revision seen one interval earlier", async () => {
    const m = await startEtcd();
    members.push(m);
    const s = await open(tempDir("kitbash-etcd3-"), { endpoints: [m.endpoint], compactionIntervalSeconds: 1 });
    for (let i = 0; i < 5; i++) expect((await s.create(`/c/${i}`, "x")).ok).toBe(true);
    const written = await s.currentRevision();
    await vi.waitFor(async () => expect(await s.compactedRevision()).toBeGreaterThanOrEqual(written), { timeout: 6000, interval: 250 });
    expect(await s.list("/c/", { revision: written - 1 }).catch((e: unknown) => e)).toMatchObject({ reason: "compacted" });
    expect(await s.count("/c/")).toBe(5);
  });

  it("takes turns compacting with other API servers on the same etcd, through compact_rev_key", async () => {
    const m = await startEtcd();
    members.push(m);
    const a = await open(tempDir("kitbash-etcd3-"), { endpoints: [m.endpoint], compactionIntervalSeconds: 1 });
    const b = await open(tempDir("kitbash-etcd3-"), { endpoints: [m.endpoint], compactionIntervalSeconds: 1 });
    for (let i = 0; i < 5; i++) expect((await a.create(`/t/${i}`, "x")).ok).toBe(true);
    const started = Date.now();
    await new Promise((r) => setTimeout(r, 3300));
    await a.stop?.();
    await b.stop?.();
    const seconds = (Date.now() - started) / 1000;
    const raw = new EtcdClient({ endpoints: [m.endpoint], dialTimeoutMs: 2000, requestTimeoutMs: 2000 });
    try {
      const turns = (await raw.range({ key: Buffer.from("compact_rev_key") })).kvs[0]?.version ?? 0;
      // Two servers ticking every second would write it twice a second; taking turns, once.
      expect(turns).toBeGreaterThanOrEqual(1);
      expect(turns).toBeLessThanOrEqual(Math.ceil(seconds) + 1);
    } finally {
      raw.close();
    }
  });

  it("gives up on a member that never answers with a message naming it", async () => {
    const err = await open(tempDir("kitbash-etcd3-"), { endpoints: ["http://127.0.0.1:1"], dialTimeoutMs: 300 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StorageError);
    expect((err as Error).message).toMatch(/no etcd member answered within 300 ms \(127\.0\.0\.1:1:/);
  });
});
