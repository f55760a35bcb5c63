import { afterEach, describe, expect, it, vi } from "vitest";
import {
  StorageError,
  type KeyValue,
  type ListOptions,
  type ListResult,
  type Storage,
  type WatchCallbacks,
  type WatchEvent,
  type WatchHandle,
  type WriteResult,
} from "../../core/apiserver/storage.js";
import { WatchCache, type ClientWatchCallbacks, type WatchEventType, type WatchFilter } from "../../core/apiserver/watch-cache.js";

/**
 * An in-memory Storage with etcd's semantics, small enough to trust: one global
 * revision, full history (so reads at a revision and watches from one work), and
 * synchronous delivery by default. `hold()` makes it batch events until `flush()`,
 * like a backend that delivers several at once.
 */
class FakeStorage implements Storage {
  private rev = 0;
  private compacted = 0;
  private readonly kvs = new Map<string, KeyValue>();
  private readonly history: WatchEvent[] = [];
  private readonly watches = new Set<{ prefix: string; cb: WatchCallbacks; held: WatchEvent[] }>();
  private holding = false;
  lists = 0;

  async currentRevision() {
    return this.rev;
  }
  async compactedRevision() {
    return this.compacted;
  }
  async get(key: string) {
    return this.kvs.get(key);
  }
  async count(prefix: string) {
    return [...this.kvs.keys()].filter((k) => k.startsWith(prefix)).length;
  }

  async list(prefix: string, opts: ListOptions = {}): Promise<ListResult> {
    this.lists++;
    const at = opts.revision || this.rev;
    if (at < this.compacted) throw new StorageError("compacted", "required revision has been compacted", this.compacted);
    const state = at === this.rev ? new Map(this.kvs) : this.stateAt(at);
    let keys = [...state.keys()].filter((k) => k.startsWith(prefix) && (opts.after === undefined || k > opts.after)).sort();
    const total = keys.length;
    if (opts.limit) keys = keys.slice(0, opts.limit);
    const more = keys.length < total;
    return { kvs: keys.map((k) => state.get(k)!), revision: at, more, ...(more ? { remaining: total - keys.length } : {}) };
  }

  private stateAt(revision: number): Map<string, KeyValue> {
    const state = new Map<string, KeyValue>();
    for (const ev of this.history) {
      if (ev.kv.modRevision > revision) break;
      if (ev.type === "put") state.set(ev.kv.key, ev.kv);
      else state.delete(ev.kv.key);
    }
    return state;
  }

  async create(key: string, value: string): Promise<WriteResult> {
    const current = this.kvs.get(key);
    if (current) return { ok: false, reason: "exists", current };
    const kv = { key, value, createRevision: ++this.rev, modRevision: this.rev };
    this.kvs.set(key, kv);
    this.emit({ type: "put", kv });
    return { ok: true, kv };
  }

  async update(key: string, value: string, expected?: number): Promise<WriteResult> {
    const prev = this.kvs.get(key);
    if (!prev) return { ok: false, reason: "not-found" };
    if (expected !== undefined && expected !== prev.modRevision) return { ok: false, reason: "conflict", current: prev };
    const kv = { key, value, createRevision: prev.createRevision, modRevision: ++this.rev };
    this.kvs.set(key, kv);
    this.emit({ type: "put", kv, prev });
    return { ok: true, kv, prev };
  }

  async delete(key: string, expected?: number): Promise<WriteResult> {
    const prev = this.kvs.get(key);
    if (!prev) return { ok: false, reason: "not-found" };
    if (expected !== undefined && expected !== prev.modRevision) return { ok: false, reason: "conflict", current: prev };
    this.kvs.delete(key);
    const kv = { ...prev, modRevision: ++this.rev };
    this.emit({ type: "delete", kv, prev });
    return { ok: true, kv, prev };
  }

  watch(prefix: string, fromRevision: number, cb: WatchCallbacks): WatchHandle {
    if (fromRevision < this.compacted) {
      queueMicrotask(() => cb.onError(new StorageError("compacted", "required revision has been compacted", this.compacted)));
      return { close() {} };
    }
    const w = { prefix, cb, held: [] as WatchEvent[] };
    this.watches.add(w);
    // History after fromRevision is delivered at once, before watch() returns.
    const missed = this.history.filter((e) => e.kv.modRevision > fromRevision && e.kv.key.startsWith(prefix));
    if (missed.length) cb.onEvents(missed);
    return { close: () => this.watches.delete(w) };
  }

  async compact(revision: number) {
    this.compacted = Math.max(this.compacted, revision);
  }

  private emit(ev: WatchEvent) {
    this.history.push(ev);
    for (const w of [...this.watches]) {
      if (!ev.kv.key.startsWith(w.prefix)) continue;
      if (this.holding) w.held.push(ev);
      else w.cb.onEvents([ev]);
    }
  }

  // --- test controls ---
  hold() {
    this.holding = true;
  }
  flush() {
    this.holding = false;
    for (const w of [...this.watches]) {
      const batch = w.held.splice(0);
      if (batch.length) w.cb.onEvents(batch);
    }
  }
  /** A write elsewhere: the revision moves without events for other prefixes. */
  async advanceElsewhere() {
    await this.create(`/other/${this.rev + 1}`, "{}");
  }
  progress() {
    for (const w of this.watches) w.cb.onProgress?.(this.rev);
  }
  progressRequests = 0;
  /** Progress never overtakes events: while events are held, so is the requested report. */
  requestProgress() {
    this.progressRequests++;
    queueMicrotask(() => !this.holding && this.progress());
  }
  failWatches(err: Error) {
    const all = [...this.watches];
    this.watches.clear();
    for (const w of all) w.cb.onError(err as StorageError);
  }
  watchCount() {
    return this.watches.size;
  }
  revisionNow() {
    return this.rev;
  }
}

const PREFIX = "/registry/core/pods/";
const key = (name: string) => `${PREFIX}default/${name}`;
const pod = (name: string, labels: Record<string, string> = {}, extra: Record<string, any> = {}) =>
  JSON.stringify({ metadata: { name, namespace: "default", labels }, ...extra });

interface Seen {
  type: WatchEventType | "BOOKMARK";
  name?: string;
  rv: number;
  labels?: Record<string, string>;
}

/** Records what one client watch receives. */
function recorder(opts: { withClose?: boolean } = {}) {
  const seen: Seen[] = [];
  const errors: unknown[] = [];
  let closed = 0;
  const cb: ClientWatchCallbacks = {
    onEvent: (type, o) => seen.push({ type, name: o.metadata.name, rv: Number(o.metadata.resourceVersion), labels: o.metadata.labels }),
    onBookmark: (rv) => seen.push({ type: "BOOKMARK", rv }),
    onError: (err) => errors.push(err),
    ...(opts.withClose ? { onClose: () => void closed++ } : {}),
  };
  return {
    cb,
    seen,
    errors,
    events: () => seen.filter((s) => s.type !== "BOOKMARK"),
    closed: () => closed,
  };
}

const all: WatchFilter = () => true;
const caches: WatchCache[] = [];

async function primed(storage: Storage, opts: ConstructorParameters<typeof WatchCache>[2] = {}) {
  const cache = new WatchCache(storage, PREFIX, { bookmarkIntervalMs: 0, ...opts });
  caches.push(cache);
  await cache.start();
  return cache;
}

afterEach(() => {
  for (const c of caches.splice(0)) c.stop();
  vi.useRealTimers();
});

describe("WatchCache", () => {
  it("sends the current state as ADDED from rv 0, then live changes", async () => {
    const s = new FakeStorage();
    await s.create(key("b"), pod("b"));
    await s.create(key("a"), pod("a"));
    await s.create("/registry/core/podsecurity/x", "{}"); // a neighbour prefix, not ours
    const cache = await primed(s);
    expect(cache.revision()).toBe(3);

    const r0 = recorder();
    const rUndef = recorder();
    cache.watch(0, all, r0.cb);
    cache.watch(undefined, all, rUndef.cb);
    // Initial events arrive before watch() returns, in key order, with their own RVs.
    expect(r0.events()).toEqual([
      { type: "ADDED", name: "a", rv: 2, labels: {} },
      { type: "ADDED", name: "b", rv: 1, labels: {} },
    ]);

    await s.create(key("c"), pod("c"));
    await s.update(key("a"), pod("a", { x: "1" }));
    await s.delete(key("b"));
    const expected = [
      { type: "ADDED", name: "a", rv: 2, labels: {} },
      { type: "ADDED", name: "b", rv: 1, labels: {} },
      { type: "ADDED", name: "c", rv: 4, labels: {} },
      { type: "MODIFIED", name: "a", rv: 5, labels: { x: "1" } },
      // DELETED carries the last state with the deletion's revision.
      { type: "DELETED", name: "b", rv: 6, labels: {} },
    ];
    expect(r0.events()).toEqual(expected);
    expect(rUndef.events()).toEqual(expected);
    expect(r0.errors).toEqual([]);
  });

  it("resumes from a resourceVersion with exactly the later events", async () => {
    const s = new FakeStorage();
    const cache = await primed(s);
    await s.create(key("a"), pod("a"));
    await s.create(key("b"), pod("b"));
    const from = s.revisionNow();
    await s.update(key("a"), pod("a", { v: "2" }));
    await s.create(key("c"), pod("c"));
    await s.delete(key("b"));

    const r = recorder();
    cache.watch(from, all, r.cb);
    await s.update(key("c"), pod("c", { v: "2" }));
    expect(r.events().map((e) => [e.type, e.name, e.rv])).toEqual([
      ["MODIFIED", "a", 3],
      ["ADDED", "c", 4],
      ["DELETED", "b", 5],
      ["MODIFIED", "c", 6],
    ]);

    // From the newest revision: nothing old, only what comes next.
    const now = recorder();
    cache.watch(s.revisionNow(), all, now.cb);
    expect(now.events()).toEqual([]);
    await s.delete(key("a"));
    expect(now.events().map((e) => [e.type, e.name, e.rv])).toEqual([["DELETED", "a", 7]]);
  });

  it("answers 410 Expired for a resourceVersion older than the buffer", async () => {
    const s = new FakeStorage();
    const cache = await primed(s, { capacity: 3 });
    for (let i = 0; i < 10; i++) await s.create(key(`p${i}`), pod(`p${i}`));
    // Revisions 8, 9 and 10 are buffered: resuming from 7 or later works, from 6 does not.
    const r = recorder();
    cache.watch(6, all, r.cb);
    expect(r.errors).toEqual([]); // not before the caller holds its handle
    await Promise.resolve();
    expect(r.errors).toEqual([{ code: 410, reason: "Expired", message: "too old resource version: 6 (7)" }]);
    expect(r.seen).toEqual([]);
    expect(cache.watcherCount()).toBe(0);

    const ok = recorder();
    cache.watch(7, all, ok.cb);
    expect(ok.events().map((e) => e.rv)).toEqual([8, 9, 10]);
    await s.create(key("late"), pod("late"));
    expect(ok.events().map((e) => e.rv)).toEqual([8, 9, 10, 11]);
    expect(ok.errors).toEqual([]);
    expect(r.seen).toEqual([]);
    // The buffer moved on: 7 is now too old as well.
    const stale = recorder();
    cache.watch(7, all, stale.cb);
    await Promise.resolve();
    expect(stale.errors).toEqual([{ code: 410, reason: "Expired", message: "too old resource version: 7 (8)" }]);
  });

  it("answers 410 for a revision before the cache's list when nothing is buffered", async () => {
    const s = new FakeStorage();
    await s.create(key("a"), pod("a"));
    await s.create(key("b"), pod("b"));
    const cache = await primed(s);
    const r = recorder();
    cache.watch(1, all, r.cb);
    await Promise.resolve();
    expect(r.errors).toEqual([{ code: 410, reason: "Expired", message: "too old resource version: 1 (2)" }]);
    const ok = recorder();
    cache.watch(2, all, ok.cb);
    await Promise.resolve();
    expect(ok.errors).toEqual([]);
  });

  it("turns selector transitions into ADDED and DELETED", async () => {
    const s = new FakeStorage();
    const cache = await primed(s);
    const web: WatchFilter = (o) => o.metadata.labels?.app === "web";
    const r = recorder();
    cache.watch(0, web, r.cb);

    await s.create(key("x"), pod("x", { app: "web" })); // 1: enters
    await s.create(key("y"), pod("y", { app: "db" })); // 2: never matches
    await s.update(key("x"), pod("x", { app: "web" }, { spec: { n: 1 } })); // 3: stays
    await s.update(key("x"), pod("x", { app: "db" })); // 4: leaves
    await s.update(key("x"), pod("x", { app: "db" }, { spec: { n: 2 } })); // 5: stays out
    await s.update(key("y"), pod("y", { app: "web" })); // 6: enters
    await s.delete(key("x")); // 7: deleted while out
    await s.delete(key("y")); // 8: deleted while in
    expect(r.events()).toEqual([
      { type: "ADDED", name: "x", rv: 1, labels: { app: "web" } },
      { type: "MODIFIED", name: "x", rv: 3, labels: { app: "web" } },
      // Leaving the selector is a DELETED carrying the new state.
      { type: "DELETED", name: "x", rv: 4, labels: { app: "db" } },
      { type: "ADDED", name: "y", rv: 6, labels: { app: "web" } },
      { type: "DELETED", name: "y", rv: 8, labels: { app: "web" } },
    ]);

    // A resumed watch computes the same transitions from the buffer.
    const replay = recorder();
    cache.watch(1, web, replay.cb);
    expect(replay.events()).toEqual(r.events().slice(1));
  });

  it("fans every event out in order to 1,000 watchers, also when storage batches", async () => {
    const s = new FakeStorage();
    for (let i = 0; i < 20; i++) await s.create(key(`seed${i}`), pod(`seed${i}`));
    const cache = await primed(s);
    const parse = vi.spyOn(JSON, "parse");
    const rs = Array.from({ length: 1000 }, (_, i) => {
      const r = recorder();
      // Half start from the state, half resume from the list revision.
      cache.watch(i % 2 ? 0 : cache.revision(), all, r.cb);
      return r;
    });
    expect(cache.watcherCount()).toBe(1000);

    const t0 = performance.now();
    for (let round = 0; round < 10; round++) {
      s.hold();
      for (let i = 0; i < 10; i++) {
        const name = `p${(round * 7 + i) % 30}`;
        const k = key(name);
        if (await s.get(k)) {
          if (i % 3 === 0) await s.delete(k);
          else await s.update(k, pod(name, { round: String(round) }));
        } else await s.create(k, pod(name));
      }
      s.flush();
    }
    const elapsed = performance.now() - t0;
    parse.mockRestore();

    // Each stored value was parsed once, not once per watcher.
    expect(parse.mock.calls.length).toBeLessThanOrEqual(100);
    const live = rs[0]!.events();
    expect(live.map((e) => e.rv)).toEqual(Array.from({ length: 100 }, (_, i) => 21 + i));
    for (const [i, r] of rs.entries()) {
      const events = i % 2 ? r.events().slice(20) : r.events();
      expect(events).toEqual(live);
    }
    expect(elapsed).toBeLessThan(2000);
  });

  it("keeps order for every watcher when a client's callback writes to storage", async () => {
    const s = new FakeStorage();
    const cache = await primed(s);
    let wrote = false;
    const writer: ClientWatchCallbacks = {
      onEvent: (type, o) => {
        // The fake delivers this write synchronously, while the cache is still fanning out rev 1.
        if (!wrote && o.metadata.name === "a") {
          wrote = true;
          void s.create(key("b"), pod("b"));
        }
      },
      onBookmark: () => {},
      onError: () => {},
    };
    const before = recorder();
    cache.watch(0, all, before.cb);
    cache.watch(0, all, writer);
    const after = recorder();
    cache.watch(0, all, after.cb);
    await s.create(key("a"), pod("a"));
    for (const r of [before, after]) expect(r.events().map((e) => [e.name, e.rv])).toEqual([["a", 1], ["b", 2]]);
  });

  it("ends only the watch whose callback throws", async () => {
    const s = new FakeStorage();
    const cache = await primed(s);
    const errors: unknown[] = [];
    cache.watch(0, all, {
      onEvent: () => {
        throw new Error("client bug");
      },
      onBookmark: () => {},
      onError: (e) => errors.push(e),
    });
    const ok = recorder();
    cache.watch(0, all, ok.cb);
    await s.create(key("a"), pod("a"));
    await s.create(key("b"), pod("b"));
    expect(ok.events().map((e) => e.name)).toEqual(["a", "b"]);
    expect(errors).toHaveLength(1);
    expect(cache.watcherCount()).toBe(1);
  });

  it("lists the newest state at rv 0, filtered, in key order", async () => {
    const s = new FakeStorage();
    await s.create(key("c"), pod("c", { app: "web" }));
    await s.create(key("a"), pod("a"));
    const cache = await primed(s);
    await s.create(key("b"), pod("b", { app: "web" }));
    await s.update(key("a"), pod("a", { app: "web" }));
    await s.delete(key("c"));
    await s.create(key("d"), pod("d"));

    const { items, revision } = cache.list();
    expect(revision).toBe(await s.currentRevision());
    expect(items.map((o) => [o.metadata.name, o.metadata.resourceVersion])).toEqual([
      ["a", "4"],
      ["b", "3"],
      ["d", "6"],
    ]);
    expect(cache.list((o) => o.metadata.labels?.app === "web").items.map((o) => o.metadata.name)).toEqual(["a", "b"]);
    expect(cache.get(key("a"))?.metadata.labels).toEqual({ app: "web" });
    expect(cache.get(key("c"))).toBeUndefined();
  });

  it("pages its list at one revision", async () => {
    const s = new FakeStorage();
    for (let i = 0; i < 2500; i++) await s.create(key(`p${String(i).padStart(4, "0")}`), pod(`p${i}`));
    const cache = await primed(s);
    expect(s.lists).toBe(3);
    expect(cache.list().items).toHaveLength(2500);
    expect(cache.revision()).toBe(2500);
  });

  it("bookmarks every watcher with the current revision, on a timer and on storage progress", async () => {
    const s = new FakeStorage();
    await s.create(key("a"), pod("a"));
    const cache = await primed(s, { bookmarkIntervalMs: 20 });
    const r = recorder();
    const filtered = recorder();
    cache.watch(0, all, r.cb);
    cache.watch(0, () => false, filtered.cb);
    await s.create(key("b"), pod("b"));
    await vi.waitFor(() => expect(filtered.seen.length).toBeGreaterThan(0), { timeout: 1000, interval: 5 });
    expect(filtered.seen[0]).toEqual({ type: "BOOKMARK", rv: 2 });

    // Storage progress: the revision moved on elsewhere; bookmarks carry it at once.
    await s.advanceElsewhere();
    await s.advanceElsewhere();
    s.progress();
    expect(cache.revision()).toBe(4);
    expect(r.seen.filter((e) => e.type === "BOOKMARK").at(-1)).toEqual({ type: "BOOKMARK", rv: 4 });
    expect(filtered.seen.at(-1)).toEqual({ type: "BOOKMARK", rv: 4 });
    // Events and bookmarks never go backwards.
    const rvs = r.seen.slice(2).map((e) => e.rv);
    expect(rvs).toEqual([...rvs].sort((x, y) => x - y));
  });

  it("relists after a storage watch error and sends its clients 410", async () => {
    const s = new FakeStorage();
    await s.create(key("a"), pod("a"));
    const cache = await primed(s);
    const r = recorder();
    cache.watch(0, all, r.cb);
    s.failWatches(new StorageError("compacted", "required revision has been compacted", 1));
    expect(r.errors).toHaveLength(1);
    expect(r.errors[0]).toMatchObject({ code: 410, reason: "Expired" });
    expect(cache.watcherCount()).toBe(0);

    // Changes made while the cache relists are in its new state.
    await s.create(key("b"), pod("b"));
    const early = recorder();
    cache.watch(0, all, early.cb); // asked for while relisting: starts once primed
    await vi.waitFor(() => expect(s.watchCount()).toBe(1));
    await vi.waitFor(() => expect(early.events().map((e) => e.name)).toEqual(["a", "b"]));
    expect(cache.revision()).toBe(2);
    await s.create(key("c"), pod("c"));
    expect(early.events().map((e) => e.name)).toEqual(["a", "b", "c"]);
    expect(r.seen).toEqual([{ type: "ADDED", name: "a", rv: 1, labels: {} }]);
  });

  it("relists when the storage refuses its watch as compacted", async () => {
    const s = new FakeStorage();
    await s.create(key("a"), pod("a"));
    // The first list answers at rev 1, then a write and a compaction land before the cache watches from 1.
    const list = s.list.bind(s);
    let first = true;
    s.list = async (prefix, opts) => {
      const res = await list(prefix, opts);
      if (first) {
        first = false;
        await s.create(key("b"), pod("b"));
        await s.compact(2);
      }
      return res;
    };
    const cache = await primed(s);
    await vi.waitFor(() => expect(cache.revision()).toBe(2));
    expect(cache.list().items.map((o) => o.metadata.name)).toEqual(["a", "b"]);
    const r = recorder();
    cache.watch(2, all, r.cb);
    await s.create(key("c"), pod("c"));
    expect(r.events().map((e) => [e.type, e.name, e.rv])).toEqual([["ADDED", "c", 3]]);
    expect(s.watchCount()).toBe(1);
  });

  it("holds a consistent read until the cache has the storage's revision", async () => {
    const s = new FakeStorage();
    const cache = await primed(s);
    s.hold();
    await s.create(key("a"), pod("a"));
    let caughtUp: boolean | undefined;
    const waiting = cache.waitForRevision(await s.currentRevision(), 5000).then((r) => (caughtUp = r));
    await Promise.resolve();
    expect(caughtUp).toBeUndefined();
    expect(cache.get(key("a"))).toBeUndefined();
    s.flush();
    await waiting;
    expect(caughtUp).toBe(true);
    expect(cache.get(key("a"))?.metadata.name).toBe("a");
    expect(await cache.waitForRevision(await s.currentRevision(), 5000)).toBe(true);
  });

  it("asks storage for progress once when writes elsewhere moved the revision", async () => {
    const s = new FakeStorage();
    const cache = await primed(s);
    await s.advanceElsewhere();
    await s.advanceElsewhere();
    const rev = await s.currentRevision();
    expect(cache.revision()).toBeLessThan(rev);
    expect(await Promise.all([cache.waitForRevision(rev, 5000), cache.waitForRevision(rev, 5000)])).toEqual([true, true]);
    expect(s.progressRequests).toBe(1);
    expect(cache.revision()).toBe(rev);
  });

  it("gives a consistent read up to storage when the cache lags past the wait or stops", async () => {
    const s = new FakeStorage();
    const cache = await primed(s);
    s.hold();
    await s.create(key("a"), pod("a"));
    expect(await cache.waitForRevision(await s.currentRevision(), 20)).toBe(false);
    const pending = cache.waitForRevision(await s.currentRevision(), 5000);
    cache.stop();
    expect(await pending).toBe(false);
  });

  it("stop closes every client watch and the storage watch", async () => {
    const s = new FakeStorage();
    const cache = await primed(s, { bookmarkIntervalMs: 10 });
    const withClose = recorder({ withClose: true });
    const without = recorder();
    cache.watch(0, all, withClose.cb);
    cache.watch(0, all, without.cb);
    expect(s.watchCount()).toBe(1);
    cache.stop();
    expect(withClose.closed()).toBe(1);
    expect(withClose.errors).toEqual([]);
    expect(without.errors).toHaveLength(1);
    expect(without.errors[0]).toBeInstanceOf(Error);
    expect(cache.watcherCount()).toBe(0);
    expect(s.watchCount()).toBe(0);
    await s.create(key("a"), pod("a"));
    await new Promise((r) => setTimeout(r, 30));
    expect(withClose.seen).toEqual([]);
    // A watch asked for after stop ends at once.
    const late = recorder({ withClose: true });
    cache.watch(0, all, late.cb);
    await Promise.resolve();
    expect(late.closed()).toBe(1);
  });

  it("a client that closes gets nothing more and leaves the others alone", async () => {
    const s = new FakeStorage();
    const cache = await primed(s);
    const a = recorder();
    const b = recorder();
    const ha = cache.watch(0, all, a.cb);
    cache.watch(0, all, b.cb);
    await s.create(key("x"), pod("x"));
    ha.close();
    expect(cache.watcherCount()).toBe(1);
    await s.create(key("y"), pod("y"));
    expect(a.events().map((e) => e.name)).toEqual(["x"]);
    expect(b.events().map((e) => e.name)).toEqual(["x", "y"]);
  });
});
