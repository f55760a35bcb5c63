import { afterEach, describe, expect, it } from "vitest";
import { StorageError, type Storage, type WatchEvent } from "../../core/apiserver/storage.js";

export interface StoreUnderTest {
  store: Storage;
  cleanup(): Promise<void>;
  /** Stops the store and opens it again on the same data; only durable backends have it. */
  reopen?(): Promise<Storage>;
}

const collect = (store: Storage, prefix: string, from: number) => {
  const events: WatchEvent[] = [];
  const errors: StorageError[] = [];
  const h = store.watch(prefix, from, { onEvents: (e) => events.push(...e), onError: (e) => errors.push(e) });
  return { events, errors, close: () => h.close() };
};
const settle = () => new Promise((r) => setTimeout(r, 20));

/** The contract every `apiserver.storage` plugin passes: etcd v3's semantics. */
export function runStorageContract(name: string, make: () => Promise<StoreUnderTest>): void {
  describe(`storage contract: ${name}`, () => {
    let sut: StoreUnderTest | undefined;
    const open = async () => (sut = await make()).store;
    afterEach(async () => {
      await sut?.cleanup();
      sut = undefined;
    });

    it("creates, gets and refuses to create twice", async () => {
      const s = await open();
      const r = await s.create("/registry/a/x", "1");
      expect(r.ok).toBe(true);
      if (!r.ok) return;
      expect(await s.get("/registry/a/x")).toEqual(r.kv);
      expect(r.kv.createRevision).toBe(r.kv.modRevision);
      const again = await s.create("/registry/a/x", "2");
      expect(again).toMatchObject({ ok: false, reason: "exists", current: { value: "1" } });
      expect(await s.get("/registry/a/nope")).toBeUndefined();
    });

    it("updates with and without a precondition", async () => {
      const s = await open();
      const c = await s.create("/k", "1");
      if (!c.ok) throw new Error("create failed");
      const u = await s.update("/k", "2", c.kv.modRevision);
      expect(u).toMatchObject({ ok: true, kv: { value: "2", createRevision: c.kv.modRevision }, prev: { value: "1" } });
      expect(await s.update("/k", "3", c.kv.modRevision)).toMatchObject({ ok: false, reason: "conflict", current: { value: "2" } });
      expect(await s.update("/k", "4")).toMatchObject({ ok: true, kv: { value: "4" } });
      expect(await s.update("/missing", "1")).toMatchObject({ ok: false, reason: "not-found" });
    });

    it("deletes with a precondition and keeps one global revision", async () => {
      const s = await open();
      const a = await s.create("/a", "1");
      const b = await s.create("/b", "1");
      if (!a.ok || !b.ok) throw new Error("create failed");
      expect(b.kv.modRevision).toBeGreaterThan(a.kv.modRevision);
      expect(await s.delete("/a", a.kv.modRevision - 1)).toMatchObject({ ok: false, reason: "conflict" });
      const d = await s.delete("/a", a.kv.modRevision);
      expect(d).toMatchObject({ ok: true, kv: { value: "1" } });
      if (d.ok) expect(d.kv.modRevision).toBeGreaterThan(b.kv.modRevision);
      expect(await s.get("/a")).toBeUndefined();
      expect(await s.delete("/a")).toMatchObject({ ok: false, reason: "not-found" });
      expect(await s.currentRevision()).toBe(d.ok ? d.kv.modRevision : -1);
    });

    it("lists by prefix in key order, pages with limit/after, and counts", async () => {
      const s = await open();
      for (const k of ["c", "a", "b", "d"]) await s.create(`/p/${k}`, k);
      await s.create("/q/a", "other");
      const all = await s.list("/p/");
      expect(all.kvs.map((kv) => kv.value)).toEqual(["a", "b", "c", "d"]);
      expect(all.more).toBe(false);
      const p1 = await s.list("/p/", { limit: 2 });
      expect(p1.kvs.map((kv) => kv.value)).toEqual(["a", "b"]);
      expect(p1.more).toBe(true);
      expect(p1.remaining).toBe(2);
      const p2 = await s.list("/p/", { limit: 2, after: p1.kvs[1]!.key, revision: p1.revision });
      expect(p2.kvs.map((kv) => kv.value)).toEqual(["c", "d"]);
      expect(p2.more).toBe(false);
      expect(await s.count("/p/")).toBe(4);
    });

    it("reads an older revision as it was", async () => {
      const s = await open();
      await s.create("/s/a", "1");
      const rev = await s.currentRevision();
      await s.update("/s/a", "2");
      await s.create("/s/b", "1");
      await s.delete("/s/a");
      expect((await s.list("/s/", { revision: rev })).kvs.map((kv) => kv.value)).toEqual(["1"]);
      expect((await s.list("/s/")).kvs.map((kv) => kv.key)).toEqual(["/s/b"]);
    });

    it("watches from a revision: exactly the later events, in order, with previous values", async () => {
      const s = await open();
      await s.create("/w/a", "1");
      const from = await s.currentRevision();
      await s.update("/w/a", "2");
      await s.create("/w/b", "1");
      await s.create("/other/x", "1");
      const w = collect(s, "/w/", from);
      await s.delete("/w/a");
      await settle();
      expect(w.events.map((e) => [e.type, e.kv.key, e.kv.value])).toEqual([
        ["put", "/w/a", "2"],
        ["put", "/w/b", "1"],
        ["delete", "/w/a", "2"],
      ]);
      expect(w.events[0]!.prev?.value).toBe("1");
      const revs = w.events.map((e) => e.kv.modRevision);
      expect([...revs].sort((a, b) => a - b)).toEqual(revs);
      w.close();
    });

    it("fans every event out to every watcher, live from the current revision", async () => {
      const s = await open();
      const ws = Array.from({ length: 5 }, async () => collect(s, "/f/", await s.currentRevision()));
      const watchers = await Promise.all(ws);
      await Promise.all(Array.from({ length: 20 }, (_, i) => s.create(`/f/${i}`, String(i))));
      await settle();
      for (const w of watchers) {
        expect(w.events).toHaveLength(20);
        w.close();
      }
    });

    it("answers compacted for reads and watches before the compacted revision", async () => {
      const s = await open();
      await s.create("/c/a", "1");
      const old = await s.currentRevision();
      await s.update("/c/a", "2");
      await s.update("/c/a", "3");
      await s.compact(await s.currentRevision());
      expect(await s.compactedRevision()).toBeGreaterThan(old);
      await expect(s.list("/c/", { revision: old })).rejects.toMatchObject({ reason: "compacted" });
      const w = collect(s, "/c/", old);
      await settle();
      expect(w.errors[0]?.reason).toBe("compacted");
      expect((await s.get("/c/a"))?.value).toBe("3");
    });

    it("gives 200 concurrent creates distinct revisions and lets one of 50 racing updates win", async () => {
      const s = await open();
      const created = await Promise.all(Array.from({ length: 200 }, (_, i) => s.create(`/n/${i}`, "x")));
      const revs = new Set(created.map((r) => (r.ok ? r.kv.modRevision : -1)));
      expect(revs.size).toBe(200);
      const base = await s.get("/n/0");
      const racing = await Promise.all(Array.from({ length: 50 }, (_, i) => s.update("/n/0", String(i), base!.modRevision)));
      expect(racing.filter((r) => r.ok)).toHaveLength(1);
    });

    it("keeps every write and a growing revision across a restart", async () => {
      if (!sut) await open();
      if (!sut!.reopen) {
        console.log(`${name}: not durable, restart check does not apply`);
        expect(sut!.reopen).toBeUndefined();
        return;
      }
      const s = sut!.store;
      await Promise.all(Array.from({ length: 50 }, (_, i) => s.create(`/d/${i}`, String(i))));
      const before = await s.currentRevision();
      await s.compact(before);
      const again = await sut!.reopen();
      expect(await again.count("/d/")).toBe(50);
      expect(await again.currentRevision()).toBe(before);
      const next = await again.create("/d/new", "1");
      expect(next.ok && next.kv.modRevision).toBeGreaterThan(before);
    });
  });
}
