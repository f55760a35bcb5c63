import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { StorageError, type KeyValue, type Storage, type WatchEvent, type WriteResult } from "../../core/apiserver/storage.js";

/** One backend under test, fresh for each test. */
export interface StoreUnderTest {
  store: Storage;
  /** Stops the store (whichever `reopen` returned last) and removes its files. */
  cleanup(): Promise<void>;
  /** Stops the store and opens it again on the same data; only durable backends have it. */
  reopen?(): Promise<Storage>;
}

/**
 * The contract every `apiserver.storage` plugin passes: etcd v3's semantics as
 * kube-apiserver uses them (upstream's `apiserver/pkg/storage/testing/store_tests.go`
 * plays the same part). `makeStore` builds a started store on fresh data; its backend
 * should report watch progress within a second or so.
 */
export function runStorageContract(name: string, makeStore: () => Promise<StoreUnderTest>): void {
  describe(`storage contract: ${name}`, () => {
    let sut: StoreUnderTest;
    let s: Storage;
    beforeEach(async () => {
      sut = await makeStore();
      s = sut.store;
    });
    afterEach(async () => {
      await sut.cleanup();
    });

    describe("create, get and exists", () => {
      it("starts a fresh store at revision 1 or later, where an empty list reads", async () => {
        const rev = await s.currentRevision();
        expect(rev).toBeGreaterThanOrEqual(1);
        expect(await s.list("/")).toEqual({ kvs: [], revision: rev, more: false });
        const kv = ok(await s.create("/first", "1"));
        expect(kv.modRevision).toBeGreaterThan(rev);
      });

      it("creates a key at a new revision and reads it back", async () => {
        const kv = ok(await s.create("/registry/a/x", "1"));
        expect(kv).toEqual({ key: "/registry/a/x", value: "1", createRevision: kv.modRevision, modRevision: kv.modRevision });
        expect(await s.currentRevision()).toBe(kv.modRevision);
        expect(await s.get("/registry/a/x")).toEqual(kv);
        expect(await s.get("/registry/a/nope")).toBeUndefined();
      });

      it("refuses to create an existing key and names its current value", async () => {
        const kv = ok(await s.create("/k", "1"));
        expect(await s.create("/k", "2")).toEqual({ ok: false, reason: "exists", current: kv });
        expect((await s.get("/k"))?.value).toBe("1");
      });

      it("creates a deleted key afresh, with a new createRevision", async () => {
        const first = ok(await s.create("/k", "1"));
        ok(await s.delete("/k"));
        const again = ok(await s.create("/k", "2"));
        expect(again.createRevision).toBe(again.modRevision);
        expect(again.createRevision).toBeGreaterThan(first.createRevision);
      });
    });

    describe("update", () => {
      it("updates without a precondition, keeping createRevision and returning the previous value", async () => {
        const c = ok(await s.create("/k", "1"));
        const r = await s.update("/k", "2");
        expect(r).toMatchObject({ ok: true, kv: { key: "/k", value: "2", createRevision: c.createRevision }, prev: c });
        expect(ok(r).modRevision).toBeGreaterThan(c.modRevision);
        expect(await s.get("/k")).toEqual(ok(r));
      });

      it("updates when expectedModRevision matches and answers conflict when it does not", async () => {
        const c = ok(await s.create("/k", "1"));
        const u = ok(await s.update("/k", "2", c.modRevision));
        expect(await s.update("/k", "3", c.modRevision)).toEqual({ ok: false, reason: "conflict", current: u });
        expect((await s.get("/k"))?.value).toBe("2");
        expect(ok(await s.update("/k", "4", u.modRevision)).value).toBe("4");
      });

      it("answers not-found for a missing or deleted key, with or without a precondition", async () => {
        expect(await s.update("/missing", "1")).toMatchObject({ ok: false, reason: "not-found" });
        const c = ok(await s.create("/k", "1"));
        ok(await s.delete("/k"));
        expect(await s.update("/k", "2")).toMatchObject({ ok: false, reason: "not-found" });
        expect(await s.update("/k", "2", c.modRevision)).toMatchObject({ ok: false, reason: "not-found" });
      });
    });

    describe("delete", () => {
      it("deletes with a matching precondition; the result carries the last value at the deletion's revision", async () => {
        const c = ok(await s.create("/k", "1"));
        const d = await s.delete("/k", c.modRevision);
        expect(d).toMatchObject({ ok: true, kv: { key: "/k", value: "1", createRevision: c.createRevision }, prev: c });
        expect(ok(d).modRevision).toBeGreaterThan(c.modRevision);
        expect(await s.currentRevision()).toBe(ok(d).modRevision);
        expect(await s.get("/k")).toBeUndefined();
      });

      it("answers conflict for a stale precondition and leaves the key", async () => {
        const c = ok(await s.create("/k", "1"));
        const u = ok(await s.update("/k", "2"));
        expect(await s.delete("/k", c.modRevision)).toEqual({ ok: false, reason: "conflict", current: u });
        expect(await s.get("/k")).toEqual(u);
      });

      it("answers not-found for a missing key", async () => {
        expect(await s.delete("/missing")).toMatchObject({ ok: false, reason: "not-found" });
        expect(await s.delete("/missing", 1)).toMatchObject({ ok: false, reason: "not-found" });
      });
    });

    describe("revisions", () => {
      it("start above 0, so a watch from an empty list's revision still means from that revision", async () => {
        const empty = await s.list("/");
        expect(empty.revision).toBeGreaterThan(0);
        // Written between the list and the watch, as a cache priming itself may see it.
        ok(await s.create("/a", "1"));
        const w = watching(s, "/", empty.revision);
        await w.until(1);
        expect(w.events[0]!.kv.key).toBe("/a");
        w.close();
      });

      it("are one global counter: every write takes the next one, whatever its key", async () => {
        const start = await s.currentRevision();
        const revs = [
          ok(await s.create("/a", "1")),
          ok(await s.create("/b", "1")),
          ok(await s.update("/a", "2")),
          ok(await s.create("/c/d", "1")),
          ok(await s.delete("/b")),
        ].map((kv) => kv.modRevision);
        expect(revs).toEqual([1, 2, 3, 4, 5].map((i) => start + i));
        expect(await s.currentRevision()).toBe(start + 5);
      });

      it("do not move for writes that fail their precondition", async () => {
        const c = ok(await s.create("/k", "1"));
        await s.create("/k", "again");
        await s.update("/k", "2", c.modRevision + 100);
        await s.update("/missing", "1");
        await s.delete("/missing");
        expect(await s.currentRevision()).toBe(c.modRevision);
      });
    });

    describe("list", () => {
      it("returns the keys under a prefix in key order, and only those", async () => {
        for (const k of ["/p/c", "/p/a", "/pa", "/p", "/p/b/deeper", "/q/a", "/o/z"]) ok(await s.create(k, k));
        const r = await s.list("/p/");
        expect(r.kvs.map((kv) => kv.key)).toEqual(["/p/a", "/p/b/deeper", "/p/c"]);
        expect(r.more).toBe(false);
        expect(r.revision).toBe(await s.currentRevision());
        expect((await s.list("/none/")).kvs).toEqual([]);
      });

      it("lists every key for the empty prefix", async () => {
        for (const k of ["/b", "/a", "/c/d"]) ok(await s.create(k, k));
        expect((await s.list("")).kvs.map((kv) => kv.key)).toEqual(["/a", "/b", "/c/d"]);
        expect(await s.count("")).toBe(3);
      });

      it("leaves deleted keys out and shows each key's newest value", async () => {
        ok(await s.create("/p/a", "1"));
        ok(await s.create("/p/b", "1"));
        ok(await s.update("/p/a", "2"));
        ok(await s.delete("/p/b"));
        const r = await s.list("/p/");
        expect(r.kvs).toEqual([await s.get("/p/a")]);
      });

      it("pages with limit and after, saying whether more remain and how many", async () => {
        const keys = Array.from({ length: 25 }, (_, i) => `/p/${String(i).padStart(2, "0")}`);
        for (const k of [...keys].reverse()) ok(await s.create(k, k));
        ok(await s.create("/q/after-the-prefix", "x"));
        const first = await s.list("/p/", { limit: 7 });
        expect(first.kvs.map((kv) => kv.key)).toEqual(keys.slice(0, 7));
        expect(first).toMatchObject({ more: true, remaining: 18 });
        const seen = [...first.kvs];
        let page = first;
        while (page.more) {
          page = await s.list("/p/", { limit: 7, after: seen[seen.length - 1]!.key, revision: first.revision });
          expect(page.revision).toBe(first.revision);
          if (page.more) expect(page.remaining).toBe(keys.length - seen.length - page.kvs.length);
          seen.push(...page.kvs);
        }
        expect(seen.map((kv) => kv.key)).toEqual(keys);
        expect(page.kvs).toHaveLength(4);
        expect(await s.list("/p/", { after: keys[24]! })).toMatchObject({ kvs: [], more: false });
        expect((await s.list("/p/", { after: "/a" })).kvs).toHaveLength(25);
        expect((await s.list("/p/", { limit: 25 })).more).toBe(false);
      });

      it("reads an older revision as it was, even after later writes and deletes", async () => {
        ok(await s.create("/s/a", "a1"));
        ok(await s.create("/s/c", "c1"));
        const rev = await s.currentRevision();
        ok(await s.update("/s/a", "a2"));
        ok(await s.create("/s/b", "b1"));
        ok(await s.delete("/s/c"));
        const then = await s.list("/s/", { revision: rev });
        expect(then.revision).toBe(rev);
        expect(then.kvs.map((kv) => [kv.key, kv.value])).toEqual([
          ["/s/a", "a1"],
          ["/s/c", "c1"],
        ]);
        expect((await s.list("/s/")).kvs.map((kv) => [kv.key, kv.value])).toEqual([
          ["/s/a", "a2"],
          ["/s/b", "b1"],
        ]);
      });

      it("keeps a paged list consistent while writes land between its pages", async () => {
        for (let i = 0; i < 10; i++) ok(await s.create(`/s/${i}`, "v1"));
        const first = await s.list("/s/", { limit: 4 });
        ok(await s.delete("/s/5"));
        ok(await s.update("/s/6", "v2"));
        ok(await s.create("/s/55", "new"));
        const rest = await s.list("/s/", { after: first.kvs[3]!.key, revision: first.revision });
        expect([...first.kvs, ...rest.kvs].map((kv) => [kv.key, kv.value])).toEqual(Array.from({ length: 10 }, (_, i) => [`/s/${i}`, "v1"]));
      });

      it("snapshots the whole keyspace at one revision, page by page, while writes land anywhere (what backups read)", async () => {
        for (let i = 0; i < 12; i++) ok(await s.create(`/${i % 3}/k${i}`, `v${i}`));
        const before = (await s.list("")).kvs.map((kv) => [kv.key, kv.value]);
        const snapshot: KeyValue[] = [];
        let page = await s.list("", { limit: 5 });
        const revision = page.revision;
        for (let turn = 0; ; turn++) {
          snapshot.push(...page.kvs);
          if (!page.more) break;
          ok(await s.delete(`/${turn % 3}/k${turn}`));
          ok(await s.update(`/${(11 - turn) % 3}/k${11 - turn}`, "changed"));
          ok(await s.create(`/${turn}/new`, "new"));
          page = await s.list("", { limit: 5, revision, after: page.kvs[page.kvs.length - 1]!.key });
          expect(page.revision).toBe(revision);
        }
        expect(snapshot.map((kv) => [kv.key, kv.value])).toEqual(before);
      });

      it("refuses a revision newer than the current one with too-large", async () => {
        const fresh = await s.currentRevision();
        await expect(s.list("/", { revision: fresh + 1 })).rejects.toMatchObject({ name: "StorageError", reason: "too-large" });
        ok(await s.create("/k", "1"));
        const current = await s.currentRevision();
        await expect(s.list("/", { revision: current + 10 })).rejects.toBeInstanceOf(StorageError);
        await expect(s.list("/", { revision: current + 10 })).rejects.toMatchObject({ name: "StorageError", reason: "too-large" });
        expect((await s.list("/", { revision: current })).kvs).toHaveLength(1);
      });

      it("counts what remains per snapshot, whichever pagers interleave", async () => {
        for (let i = 0; i < 20; i++) ok(await s.create(`/r/${String(i).padStart(2, "0")}`, "x"));
        const a = await s.list("/r/", { limit: 5 });
        for (let i = 20; i < 30; i++) ok(await s.create(`/r/${i}`, "x"));
        ok(await s.delete("/r/07"));
        const b = await s.list("/r/", { limit: 5 });
        expect([a.remaining, b.remaining]).toEqual([15, 24]);
        const pagers = [
          { page: a, seen: 5, total: 20 },
          { page: b, seen: 5, total: 29 },
        ];
        while (pagers.some((p) => p.page.more)) {
          for (const p of pagers) {
            if (!p.page.more) continue;
            p.page = await s.list("/r/", { limit: 5, after: p.page.kvs.at(-1)!.key, revision: p.page.revision });
            p.seen += p.page.kvs.length;
            expect(p.page.more ? p.page.remaining : 0).toBe(p.total - p.seen);
          }
        }
        // A page that starts anywhere (not after a page this store handed out) is counted afresh.
        expect(await s.list("/r/", { limit: 2, after: "/r/10" })).toMatchObject({ more: true, remaining: 17 });
      });

      it("counts the live keys under a prefix", async () => {
        for (let i = 0; i < 5; i++) ok(await s.create(`/c/${i}`, "x"));
        ok(await s.create("/d/0", "x"));
        ok(await s.delete("/c/3"));
        ok(await s.update("/c/1", "y"));
        expect(await s.count("/c/")).toBe(4);
        expect(await s.count("/d/")).toBe(1);
        expect(await s.count("/e/")).toBe(0);
      });
    });

    describe("watch", () => {
      it("from a revision: exactly the later events under the prefix, in order, with previous values", async () => {
        ok(await s.create("/w/a", "1"));
        const from = await s.currentRevision();
        ok(await s.update("/w/a", "2"));
        ok(await s.create("/w/b", "1"));
        ok(await s.create("/other/x", "1"));
        const w = watching(s, "/w/", from);
        ok(await s.delete("/w/a"));
        ok(await s.create("/w/c", "1"));
        await w.until(4);
        expect(w.events.map(brief)).toEqual([
          ["put", "/w/a", "2", "1"],
          ["put", "/w/b", "1", undefined],
          ["delete", "/w/a", "2", "2"],
          ["put", "/w/c", "1", undefined],
        ]);
        expectIncreasing(w.events);
        expect(w.errors).toEqual([]);
        w.close();
      });

      it("gives a deletion the last value, the original createRevision and the deletion's revision", async () => {
        const c = ok(await s.create("/w/a", "1"));
        const u = ok(await s.update("/w/a", "2"));
        const w = watching(s, "/w/", c.modRevision);
        const d = ok(await s.delete("/w/a"));
        await w.until(2);
        expect(w.events[1]).toEqual({ type: "delete", kv: { key: "/w/a", value: "2", createRevision: c.createRevision, modRevision: d.modRevision }, prev: u });
        w.close();
      });

      it("from 0 or from the current revision: only new events", async () => {
        ok(await s.create("/w/old", "1"));
        const fromZero = watching(s, "/w/", 0);
        const fromNow = watching(s, "/w/", await s.currentRevision());
        ok(await s.update("/w/old", "2"));
        ok(await s.create("/w/new", "1"));
        await fromZero.until(2);
        await fromNow.until(2);
        for (const w of [fromZero, fromNow]) {
          expect(w.events.map(brief)).toEqual([
            ["put", "/w/old", "2", "1"],
            ["put", "/w/new", "1", undefined],
          ]);
          w.close();
        }
      });

      it("fans every event out to every watcher, each exactly once and in order", async () => {
        const ws = [watching(s, "/f/", 0), watching(s, "/f/", 0), watching(s, "/", 0), watching(s, "/f/a", 0)];
        await Promise.all(Array.from({ length: 40 }, (_, i) => s.create(`/f/${i % 2 ? "a" : "b"}${i}`, String(i))));
        await Promise.all(Array.from({ length: 40 }, (_, i) => s.update(`/f/${i % 2 ? "a" : "b"}${i}`, "again")));
        const [a, b, all, odd] = ws;
        await a!.until(80);
        await b!.until(80);
        await all!.until(80);
        await odd!.until(40);
        await settle();
        expect(a!.events).toHaveLength(80);
        expect(b!.events).toEqual(a!.events);
        expect(all!.events).toEqual(a!.events);
        expect(odd!.events).toEqual(a!.events.filter((e) => e.kv.key.startsWith("/f/a")));
        expectIncreasing(a!.events);
        for (const w of ws) w.close();
      });

      it("replays history then goes live without gaps or duplicates while writes are in flight", async () => {
        const from = await s.currentRevision();
        const writes: Promise<WriteResult>[] = [];
        const ws: ReturnType<typeof watching>[] = [];
        for (let i = 0; i < 120; i++) {
          writes.push(s.create(`/g/${i}`, String(i)));
          if (i % 30 === 29) {
            ws.push(watching(s, "/g/", from));
            await (i % 60 === 29 ? Promise.resolve() : writes[i]);
          }
        }
        // Revision order: writes to different keys issued together may be applied in any order (etcd does so).
        const inRevisionOrder = (await Promise.all(writes)).map(ok).sort((a, b) => a.modRevision - b.modRevision);
        ws.push(watching(s, "/g/", from));
        for (const w of ws) {
          await w.until(120);
          await settle();
          expect(w.events.map((e) => e.kv.key)).toEqual(inRevisionOrder.map((kv) => kv.key));
          expectIncreasing(w.events);
          w.close();
        }
      });

      it("delivers nothing after close", async () => {
        const w = watching(s, "/w/", 0);
        ok(await s.create("/w/a", "1"));
        await w.until(1);
        w.close();
        ok(await s.create("/w/b", "1"));
        await settle();
        expect(w.events).toHaveLength(1);
      });

      it("keeps writing and delivering when one watcher's callback throws", async () => {
        s.watch("/w/", 0, {
          onEvents: () => {
            throw new Error("a broken watcher");
          },
          onError: () => undefined,
        });
        const good = watching(s, "/w/", 0);
        ok(await s.create("/w/a", "1"));
        ok(await s.create("/w/b", "1"));
        await good.until(2);
        expect(good.events.map((e) => e.kv.key)).toEqual(["/w/a", "/w/b"]);
        good.close();
      });

      it("reports progress to a quiet watch, never ahead of its events", async () => {
        ok(await s.create("/quiet/a", "1"));
        const w = watching(s, "/quiet/", 0);
        for (let i = 0; i < 5; i++) ok(await s.create(`/busy/${i}`, "x"));
        const busy = await s.currentRevision();
        await vi.waitFor(() => expect(w.progress.at(-1) ?? 0).toBeGreaterThanOrEqual(busy), { timeout: 5000, interval: 10 });
        const q = ok(await s.create("/quiet/b", "1"));
        await w.until(1);
        expect(w.events[0]!.kv.modRevision).toBe(q.modRevision);
        expect(w.progress.every((p) => p < q.modRevision)).toBe(true);
        w.close();
      });

      it("reports the current revision to every watch when progress is requested", async () => {
        if (!s.requestProgress) return;
        const w = watching(s, "/quiet/", 0);
        for (let i = 0; i < 3; i++) ok(await s.create(`/busy/${i}`, "x"));
        const busy = await s.currentRevision();
        s.requestProgress();
        // Delivery is asynchronous but needs no timer: microtasks are enough.
        for (let i = 0; i < 5; i++) await Promise.resolve();
        expect(w.progress.at(-1)).toBe(busy);
        expect(w.events).toEqual([]);
        w.close();
      });

      it("ends open watches with unavailable when the store stops", async () => {
        if (!s.stop) return;
        const w = watching(s, "/w/", 0);
        ok(await s.create("/w/a", "1"));
        await s.stop();
        await vi.waitFor(() => expect(w.errors).toHaveLength(1), { timeout: 2000, interval: 5 });
        expect(w.errors[0]).toBeInstanceOf(StorageError);
        expect(w.errors[0]!.reason).toBe("unavailable");
        expect(w.events).toHaveLength(1);
      });
    });

    describe("compaction", () => {
      it("fails reads and watches before the compacted revision with compacted", async () => {
        ok(await s.create("/c/a", "1"));
        const old = await s.currentRevision();
        ok(await s.update("/c/a", "2"));
        ok(await s.update("/c/a", "3"));
        const at = await s.currentRevision();
        await s.compact(at);
        expect(await s.compactedRevision()).toBe(at);
        const err = await s.list("/c/", { revision: old }).catch((e: unknown) => e);
        expect(err).toBeInstanceOf(StorageError);
        expect(err).toMatchObject({ reason: "compacted", compactedRevision: at });
        const w = watching(s, "/c/", old);
        await vi.waitFor(() => expect(w.errors).toHaveLength(1), { timeout: 2000, interval: 5 });
        expect(w.errors[0]).toMatchObject({ reason: "compacted", compactedRevision: at });
        ok(await s.update("/c/a", "4"));
        await settle();
        expect(w.events).toEqual([]);
        expect((await s.get("/c/a"))?.value).toBe("4");
      });

      it("still reads at the compacted revision and watches from it", async () => {
        ok(await s.create("/c/a", "1"));
        ok(await s.create("/c/b", "1"));
        ok(await s.update("/c/a", "2"));
        ok(await s.delete("/c/b"));
        const at = await s.currentRevision();
        ok(await s.update("/c/a", "3"));
        ok(await s.create("/c/b", "again"));
        await s.compact(at);
        expect((await s.list("/c/", { revision: at })).kvs.map((kv) => [kv.key, kv.value])).toEqual([["/c/a", "2"]]);
        expect((await s.list("/c/")).kvs.map((kv) => [kv.key, kv.value])).toEqual([
          ["/c/a", "3"],
          ["/c/b", "again"],
        ]);
        const w = watching(s, "/c/", at);
        await w.until(2);
        expect(w.events.map(brief)).toEqual([
          ["put", "/c/a", "3", "2"],
          ["put", "/c/b", "again", undefined],
        ]);
        w.close();
      });

      it("never goes back, and compacting past the current revision stops at it", async () => {
        ok(await s.create("/c/a", "1"));
        ok(await s.update("/c/a", "2"));
        const at = await s.currentRevision();
        await s.compact(at);
        await s.compact(at - 1);
        expect(await s.compactedRevision()).toBe(at);
        await s.compact(at + 100);
        expect(await s.compactedRevision()).toBe(at);
        expect(ok(await s.update("/c/a", "3")).modRevision).toBe(at + 1);
      });

      it("keeps keys deleted before the compacted revision deleted, and lets them be created again", async () => {
        const c = ok(await s.create("/c/gone", "1"));
        ok(await s.delete("/c/gone"));
        ok(await s.create("/c/kept", "1"));
        await s.compact(await s.currentRevision());
        expect(await s.get("/c/gone")).toBeUndefined();
        expect(await s.count("/c/")).toBe(1);
        expect(await s.update("/c/gone", "2")).toMatchObject({ ok: false, reason: "not-found" });
        expect(ok(await s.create("/c/gone", "2")).createRevision).toBeGreaterThan(c.createRevision);
      });
    });

    describe("concurrency", () => {
      it("gives 200 concurrent creates of distinct keys distinct revisions", async () => {
        const start = await s.currentRevision();
        const created = await Promise.all(Array.from({ length: 200 }, (_, i) => s.create(`/n/${i}`, "x")));
        const revs = created.map((r) => ok(r).modRevision);
        expect(new Set(revs).size).toBe(200);
        expect(Math.min(...revs)).toBeGreaterThan(start);
        expect(await s.currentRevision()).toBe(Math.max(...revs));
        expect(await s.count("/n/")).toBe(200);
      });

      it("lets exactly one of 50 conditional updates from the same base revision win", async () => {
        const base = ok(await s.create("/n/0", "base"));
        const racing = await Promise.all(Array.from({ length: 50 }, (_, i) => s.update("/n/0", String(i), base.modRevision)));
        const winners = racing.filter((r) => r.ok);
        expect(winners).toHaveLength(1);
        const winner = ok(winners[0]!);
        for (const r of racing) if (!r.ok) expect(r).toEqual({ ok: false, reason: "conflict", current: winner });
        expect(await s.get("/n/0")).toEqual(winner);
      });

      it("lets exactly one of 20 concurrent creates of one key win", async () => {
        const racing = await Promise.all(Array.from({ length: 20 }, (_, i) => s.create("/n/same", String(i))));
        expect(racing.filter((r) => r.ok)).toHaveLength(1);
        expect(racing.filter((r) => !r.ok && r.reason === "exists")).toHaveLength(19);
      });

      it("applies writes issued together in call order", async () => {
        const [c, u, d, again] = await Promise.all([s.create("/o/k", "1"), s.update("/o/k", "2"), s.delete("/o/k"), s.create("/o/k", "3")]);
        const revs = [c, u, d, again].map((r) => ok(r!).modRevision);
        expect(revs).toEqual([...revs].sort((x, y) => x - y));
        expect(ok(u!).value).toBe("2");
        expect(ok(d!).value).toBe("2");
        expect(await s.get("/o/k")).toEqual(ok(again!));
      });
    });

    describe("durability", () => {
      it("keeps every write, its revisions and the history across a restart", async () => {
        if (!sut.reopen) return;
        const written = await Promise.all(Array.from({ length: 50 }, (_, i) => s.create(`/d/${String(i).padStart(2, "0")}`, String(i))));
        const updated = ok(await s.update("/d/07", "seven"));
        const before = await s.currentRevision();
        s = await sut.reopen();
        expect(await s.currentRevision()).toBe(before);
        expect(await s.count("/d/")).toBe(50);
        expect(await s.get("/d/07")).toEqual(updated);
        expect(await s.get("/d/08")).toEqual(ok(written[8]!));
        const w = watching(s, "/d/", before - 1);
        await w.until(1);
        expect(w.events.map(brief)).toEqual([["put", "/d/07", "seven", "7"]]);
        w.close();
        expect(ok(await s.create("/d/new", "1")).modRevision).toBe(before + 1);
      });

      it("keeps increasing the revision after compaction deleted the newest rows", async () => {
        if (!sut.reopen) return;
        ok(await s.create("/d/a", "1"));
        ok(await s.create("/d/b", "1"));
        ok(await s.delete("/d/b"));
        ok(await s.delete("/d/a"));
        const before = await s.currentRevision();
        await s.compact(before);
        s = await sut.reopen();
        expect(await s.currentRevision()).toBe(before);
        expect(await s.compactedRevision()).toBe(before);
        expect(await s.count("")).toBe(0);
        expect(ok(await s.create("/d/a", "2")).modRevision).toBe(before + 1);
      });

      it("commits the writes asked for before stop", async () => {
        if (!sut.reopen) return;
        const pending = Array.from({ length: 20 }, (_, i) => s.create(`/d/${i}`, String(i)));
        s = await sut.reopen();
        expect((await Promise.all(pending)).every((r) => r.ok)).toBe(true);
        expect(await s.count("/d/")).toBe(20);
      });
    });
  });
}

/** The written key-value of a write expected to succeed. */
function ok(r: WriteResult): KeyValue {
  if (!r.ok) throw new Error(`expected the write to succeed, got ${r.reason}`);
  return r.kv;
}

function brief(e: WatchEvent): [string, string, string, string | undefined] {
  return [e.type, e.kv.key, e.kv.value, e.prev?.value];
}

function expectIncreasing(events: WatchEvent[]): void {
  for (let i = 1; i < events.length; i++) expect(events[i]!.kv.modRevision).toBeGreaterThan(events[i - 1]!.kv.modRevision);
}

/** Time for a backend to deliver anything it should not. */
const settle = () => new Promise((r) => setTimeout(r, 30));

function watching(store: Storage, prefix: string, from: number) {
  const events: WatchEvent[] = [];
  const progress: number[] = [];
  const errors: StorageError[] = [];
  const h = store.watch(prefix, from, {
    onEvents: (e) => events.push(...e),
    onProgress: (r) => progress.push(r),
    onError: (e) => errors.push(e),
  });
  return {
    events,
    progress,
    errors,
    close: () => h.close(),
    /** Waits until at least `n` events arrived. */
    until: (n: number) => vi.waitFor(() => expect(events.length).toBeGreaterThanOrEqual(n), { timeout: 5000, interval: 5 }),
  };
}
