import { silentLogger, type Logger } from "../kernel/logging.js";
import type { KeyValue, Storage, WatchEvent, WatchHandle } from "./storage.js";
import type { CacheEvent, CachedObject, ObjectWithMeta } from "./watch/cache-event.js";
import { ClientWatch, expired, type ClientWatchCallbacks, type WatchFilter } from "./watch/client-watch.js";
import { CurrentState } from "./watch/current-state.js";
import { EventRing } from "./watch/event-ring.js";

export type { CacheEvent, CachedObject, ObjectWithMeta } from "./watch/cache-event.js";
export type { ClientWatchCallbacks, ExpiredError, WatchEventType, WatchFilter } from "./watch/client-watch.js";

export interface WatchCacheOptions {
  /** Events kept for watches that resume from a resourceVersion; default 10000. */
  capacity?: number;
  /** How often every watcher gets a bookmark; default 60000, 0 turns the timer off. */
  bookmarkIntervalMs?: number;
  logger?: Logger;
}

/** Pages the (re)list reads, all at the first page's revision, so no single storage read is huge. */
const LIST_PAGE = 1000;
const MAX_RETRY_DELAY_MS = 5000;

/** What the storage watch hands over, queued so events reach clients in order even when callbacks re-enter. */
type Inbound = { gen: number } & (
  | { kind: "events"; events: WatchEvent[] }
  | { kind: "progress"; revision: number }
  | { kind: "error"; err: Error }
);

interface PendingWatch {
  w: ClientWatch;
  from: number | undefined;
  initial: boolean;
}

/**
 * Upstream's cacher for one resource: a single storage watch whose events are parsed
 * once and fanned out to every client watch, a bounded history so clients can resume
 * from a resourceVersion, and the current state for resourceVersion=0 lists.
 *
 * Objects handed out (list, get, events) are shared by every reader and must not be
 * mutated; the HTTP layer clones before it adds type meta.
 */
export class WatchCache {
  private state = new CurrentState();
  private readonly ring: EventRing<CacheEvent>;
  private readonly watchers = new Set<ClientWatch>();
  /** Watches asked for while the cache is (re)listing; they start once it is primed. */
  private pending: PendingWatch[] = [];
  /** The newest revision seen: list revision, events and storage progress. */
  private rev = 0;
  /** Every event after this revision is in the ring, so a watch may resume from here or later. */
  private horizon = 0;
  private primed = false;
  private started = false;
  private stopped = false;
  /** Bumped on every (re)list and on stop; storage callbacks of an older generation are ignored. */
  private generation = 0;
  private storageWatch: WatchHandle | undefined;
  private inbox: Inbound[] = [];
  /** True while events are being applied or a new watch is being primed; storage input waits in the inbox. */
  private busy = false;
  /** Storage watch failures since the last sign of a healthy watch; drives the relist back-off. */
  private failures = 0;
  private bookmarkTimer: NodeJS.Timeout | undefined;
  private wake: (() => void) | undefined;
  /** Consistent reads waiting for the cache to reach a revision. */
  private waiters: { revision: number; done(caughtUp: boolean): void }[] = [];
  private readonly primedOnce: Promise<void>;
  private resolvePrimed!: () => void;
  private readonly log: Logger;
  private readonly bookmarkIntervalMs: number;

  constructor(
    private readonly storage: Storage,
    readonly prefix: string,
    opts: WatchCacheOptions = {},
  ) {
    this.ring = new EventRing(opts.capacity ?? 10000);
    this.bookmarkIntervalMs = opts.bookmarkIntervalMs ?? 60000;
    this.log = (opts.logger ?? silentLogger()).child({ watchCache: prefix });
    this.primedOnce = new Promise((resolve) => (this.resolvePrimed = resolve));
  }

  /** Lists from storage, then watches from the list revision; resolves once primed (or stopped). Failures are retried. */
  start(): Promise<void> {
    if (!this.started && !this.stopped) {
      this.started = true;
      if (this.bookmarkIntervalMs > 0) {
        this.bookmarkTimer = setInterval(() => this.bookmarkAll(false), this.bookmarkIntervalMs);
        this.bookmarkTimer.unref();
      }
      this.relist().catch((err) => this.log.error({ err }, "watch cache relist crashed"));
    }
    return this.primedOnce;
  }

  /** Stops watching storage and ends every client watch (`onClose`, else `onError`). */
  stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    this.generation++;
    this.storageWatch?.close();
    this.storageWatch = undefined;
    clearInterval(this.bookmarkTimer);
    this.wake?.();
    this.inbox = [];
    const all = [...this.watchers, ...this.pending.map((p) => p.w)];
    this.pending = [];
    for (const w of all) w.end();
    this.releaseWaiters(false);
    this.resolvePrimed();
  }

  revision(): number {
    return this.rev;
  }

  /** The current state in key order, with the revision it is valid at; serves resourceVersion=0 lists. */
  list(filter?: WatchFilter): { items: ObjectWithMeta[]; revision: number } {
    const items: ObjectWithMeta[] = [];
    for (const e of this.state.inKeyOrder()) if (!filter || filter(e.object)) items.push(e.object);
    return { items, revision: this.rev };
  }

  get(key: string): ObjectWithMeta | undefined {
    return this.state.get(key)?.object;
  }

  /**
   * Resolves true once the cache holds every change up to `revision` (a consistent
   * read may then be answered from it), false if that takes longer than `timeoutMs`
   * or the cache is not primed, so the caller reads storage instead.
   */
  waitForRevision(revision: number, timeoutMs: number): Promise<boolean> {
    if (!this.primed || this.stopped) return Promise.resolve(false);
    if (this.rev >= revision) return Promise.resolve(true);
    // A backend that cannot report progress would leave the read waiting for a write under
    // this prefix: storage answers at once instead.
    if (!this.storage.requestProgress) return Promise.resolve(false);
    // Writes under other prefixes move the store's revision but not this cache's: ask the
    // storage to report progress (once per batch of waiting reads) rather than wait for its timer.
    if (!this.waiters.length) this.storage.requestProgress();
    return new Promise((resolve) => {
      const timer = setTimeout(() => finish(false), timeoutMs);
      const finish = (caughtUp: boolean) => {
        clearTimeout(timer);
        this.waiters = this.waiters.filter((w) => w !== waiter);
        resolve(caughtUp);
      };
      const waiter = { revision, done: finish };
      this.waiters.push(waiter);
    });
  }

  /** Wakes the consistent reads the cache's revision now covers; on a relist or stop, all of them (to read storage). */
  private releaseWaiters(caughtUp: boolean): void {
    if (!this.waiters.length) return;
    for (const w of [...this.waiters]) if (!caughtUp || w.revision <= this.rev) w.done(caughtUp);
  }

  /**
   * A client watch. `fromRevision` undefined or 0 (or `sendInitialEvents`) sends the
   * current state as ADDED, then changes; `N` replays buffered events after N, or
   * ends with 410 Expired when N is older than the buffer. Initial and replayed events
   * are delivered before this returns, so a caller may follow them with its own
   * bookmark; a 410 arrives on a microtask, after the caller holds the handle.
   */
  watch(
    fromRevision: number | undefined,
    filter: WatchFilter,
    cb: ClientWatchCallbacks,
    opts?: { sendInitialEvents?: boolean },
  ): { close(): void } {
    const w = new ClientWatch(filter, cb, 0, (x) => this.detach(x), this.log);
    const handle = { close: () => w.close() };
    if (this.stopped) {
      queueMicrotask(() => w.end());
      return handle;
    }
    const initial = opts?.sendInitialEvents === true || !fromRevision;
    if (this.primed) this.begin(w, fromRevision, initial);
    else this.pending.push({ w, from: fromRevision, initial });
    return handle;
  }

  watcherCount(): number {
    return this.watchers.size + this.pending.length;
  }

  private begin(w: ClientWatch, from: number | undefined, initial: boolean): void {
    if (!initial && from! < this.horizon) {
      const message = `too old resource version: ${from} (${this.horizon})`;
      queueMicrotask(() => w.fail(expired(message)));
      return;
    }
    this.watchers.add(w);
    this.exclusive(() => {
      if (initial) {
        w.position = this.rev;
        for (const e of this.state.inKeyOrder()) w.initial(e.object);
      } else {
        w.position = from!;
        for (const ev of this.ring.since(from!)) w.deliver(ev);
        w.position = Math.max(w.position, this.rev);
      }
    });
  }

  private detach(w: ClientWatch): void {
    this.watchers.delete(w);
    if (this.pending.length) this.pending = this.pending.filter((p) => p.w !== w);
  }

  /** Runs `fn` with storage input held back, then applies what arrived meanwhile. */
  private exclusive(fn: () => void): void {
    if (this.busy) return fn();
    this.busy = true;
    try {
      fn();
    } finally {
      this.busy = false;
    }
    this.drain();
  }

  private receive(item: Inbound): void {
    if (item.gen !== this.generation || this.stopped) return;
    this.inbox.push(item);
    this.drain();
  }

  private drain(): void {
    if (this.busy) return;
    this.busy = true;
    try {
      // A callback may cause more storage input (or a relist); the loop picks it up in order.
      while (this.inbox.length) {
        const item = this.inbox.shift()!;
        if (item.gen !== this.generation || this.stopped) continue;
        if (item.kind === "events") {
          this.failures = 0;
          for (const ev of item.events) this.apply(ev);
        } else if (item.kind === "progress") {
          this.failures = 0;
          if (item.revision > this.rev) {
            this.rev = item.revision;
            this.bookmarkAll(true);
          }
        } else {
          this.storageFailed(item.err);
        }
      }
    } finally {
      this.busy = false;
    }
    if (this.primed) this.releaseWaiters(true);
  }

  /** Applies one storage event to the state and the history, then hands it to every client. */
  private apply(we: WatchEvent): void {
    const { kv } = we;
    const rev = kv.modRevision;
    // Duplicates (a backend replaying what the list already held) would reach clients twice.
    if (rev <= this.rev || !kv.key.startsWith(this.prefix)) return;
    const prev = this.state.get(kv.key);
    let object: ObjectWithMeta | undefined;
    if (we.type === "delete") {
      object = (kv.value ? decode(kv.value, rev) : undefined) ?? (prev ? restamp(prev.object, rev) : undefined);
      this.state.delete(kv.key);
    } else {
      object = decode(kv.value, rev);
      if (object) this.state.set({ key: kv.key, object, revision: rev });
    }
    this.rev = rev;
    if (!object) {
      this.log.error({ key: kv.key, revision: rev, type: we.type }, "stored value is not a JSON object; event dropped");
      return;
    }
    const ev: CacheEvent = { type: we.type, key: kv.key, object, revision: rev, ...(prev ? { prev: prev.object } : {}) };
    const evicted = this.ring.push(ev);
    if (evicted) this.horizon = evicted.revision;
    for (const w of this.watchers) w.deliver(ev);
  }

  /**
   * The timer bookmarks every watcher with the current revision; storage progress
   * only those it moves forward, since a backend may report progress often.
   */
  private bookmarkAll(onlyForward: boolean): void {
    if (!this.primed) return;
    for (const w of this.watchers) if (!onlyForward || w.position < this.rev) w.bookmark(this.rev);
  }

  /**
   * The storage watch ended (compacted or failed): clients cannot be told what they
   * missed, so each gets a 410 and relists, like upstream when its cacher re-initialises.
   */
  private storageFailed(err: Error): void {
    this.failures++;
    this.log.warn({ err, revision: this.rev }, "storage watch ended; re-listing");
    const message = `the watch cache for ${this.prefix} is re-initialising after a storage watch error (${err.message}); list again`;
    for (const w of [...this.watchers]) w.fail(expired(message));
    this.relist().catch((e) => this.log.error({ err: e }, "watch cache relist crashed"));
  }

  /** Lists and re-watches until it succeeds or the cache stops, backing off while storage keeps failing. */
  private async relist(): Promise<void> {
    const gen = ++this.generation;
    this.storageWatch?.close();
    this.storageWatch = undefined;
    this.inbox = [];
    this.primed = false;
    this.releaseWaiters(false);
    const current = () => gen === this.generation && !this.stopped;
    let delay = this.failures > 1 ? Math.min(100 * 2 ** (this.failures - 2), MAX_RETRY_DELAY_MS) : 0;
    for (;;) {
      if (delay) await this.pause(delay);
      if (!current()) return;
      try {
        const { kvs, revision } = await this.listAll();
        if (!current()) return;
        this.replace(kvs, revision);
        this.watchStorage(gen, revision);
        // The storage may have failed the watch synchronously; a newer relist then owns the cache.
        if (!current()) return;
        this.primed = true;
        this.log.debug({ revision, objects: kvs.length }, "watch cache primed");
        this.resolvePrimed();
        const waiting = this.pending;
        this.pending = [];
        for (const p of waiting) if (!p.w.closed) this.begin(p.w, p.from, p.initial);
        return;
      } catch (err) {
        delay = Math.min(Math.max(delay * 2, 100), MAX_RETRY_DELAY_MS);
        this.log.warn({ err, retryInMs: delay }, "watch cache list failed; retrying");
      }
    }
  }

  /** Every key under the prefix, paged at one revision so the snapshot is consistent. */
  private async listAll(): Promise<{ kvs: KeyValue[]; revision: number }> {
    const kvs: KeyValue[] = [];
    let revision: number | undefined;
    let after: string | undefined;
    for (;;) {
      const page = await this.storage.list(this.prefix, {
        ...(revision ? { revision } : {}),
        ...(after !== undefined ? { after } : {}),
        limit: LIST_PAGE,
      });
      revision ??= page.revision;
      for (const kv of page.kvs) kvs.push(kv);
      if (!page.more || page.kvs.length === 0) return { kvs, revision };
      after = page.kvs[page.kvs.length - 1]!.key;
    }
  }

  private replace(kvs: KeyValue[], revision: number): void {
    const state = new CurrentState();
    for (const kv of kvs) {
      const object = decode(kv.value, kv.modRevision);
      if (object) state.set({ key: kv.key, object, revision: kv.modRevision } satisfies CachedObject);
      else this.log.error({ key: kv.key }, "stored value is not a JSON object; left out of the cache");
    }
    this.state = state;
    this.ring.clear();
    this.rev = revision;
    this.horizon = revision;
  }

  private watchStorage(gen: number, from: number): void {
    const handle = this.storage.watch(this.prefix, from, {
      onEvents: (events) => this.receive({ gen, kind: "events", events }),
      onProgress: (revision) => this.receive({ gen, kind: "progress", revision }),
      onError: (err) => this.receive({ gen, kind: "error", err }),
    });
    if (gen === this.generation && !this.stopped) this.storageWatch = handle;
    else handle.close();
  }

  /** A retry delay that stop() cuts short. */
  private pause(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.wake = undefined;
        resolve();
      }, ms);
      timer.unref();
      this.wake = () => {
        clearTimeout(timer);
        this.wake = undefined;
        resolve();
      };
    });
  }
}

/** Parses a stored value and stamps the revision the storage keeps apart from it. */
function decode(value: string, revision: number): ObjectWithMeta | undefined {
  let obj: unknown;
  try {
    obj = JSON.parse(value);
  } catch {
    return undefined;
  }
  if (!obj || typeof obj !== "object" || Array.isArray(obj)) return undefined;
  const o = obj as ObjectWithMeta;
  if (!o.metadata || typeof o.metadata !== "object" || Array.isArray(o.metadata)) o.metadata = {};
  o.metadata.resourceVersion = String(revision);
  return o;
}

/** A copy of a cached object carrying another revision (a delete whose backend gave no last value). */
function restamp(object: ObjectWithMeta, revision: number): ObjectWithMeta {
  return { ...object, metadata: { ...object.metadata, resourceVersion: String(revision) } };
}
