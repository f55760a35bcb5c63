import type { Logger } from "../kernel/logging.js";
import { silentLogger } from "../kernel/logging.js";
import { type Clock, realClock, sleep } from "./clock.js";
import { isGone } from "./errors.js";
import type { ResourceClient } from "./rest-client.js";
import { Indexer, type IndexFunc } from "./store.js";
import { objectKey, type KubeObject } from "./types.js";

export interface EventHandlers<T> {
  /** `initialList` is true for objects of the first list (and for replays to a late handler). */
  onAdd?(obj: T, initialList: boolean): void;
  /** On a resync, `oldObj === newObj`. */
  onUpdate?(oldObj: T, newObj: T): void;
  /** `finalStateUnknown`: the delete was inferred from a relist, so `obj` is the last state seen. */
  onDelete?(obj: T, finalStateUnknown: boolean): void;
}

export interface SharedInformerOptions<T> {
  /** Every `resyncMs`, handlers registered with a resync get `onUpdate(obj, obj)` for every object. */
  resyncMs?: number;
  indexers?: Record<string, IndexFunc<T>>;
  labelSelector?: string;
  fieldSelector?: string;
  clock?: Clock;
  logger?: Logger;
  /** Page size of the list; upstream's reflector pages by 500. */
  pageSize?: number;
}

interface Registered<T> {
  handlers: EventHandlers<T>;
  resyncMs: number;
}

const MIN_WATCH_TIMEOUT_S = 300;
const BACKOFF_START_MS = 800;
const BACKOFF_MAX_MS = 30_000;

/**
 * Upstream's SharedIndexInformer: lists, then watches from the list's resourceVersion, keeping an
 * Indexer current and telling every handler. A watch the server ends is resumed from the last
 * resourceVersion seen (bookmarks included); a 410 Gone lists again and reports what changed
 * meanwhile, deletions included.
 */
export class SharedInformer<T extends KubeObject = KubeObject> {
  readonly store: Indexer<T>;
  private readonly handlers: Registered<T>[] = [];
  private readonly clock: Clock;
  private readonly logger: Logger;
  private synced = false;
  private readonly syncWaiters: (() => void)[] = [];
  private resourceVersion = "";
  private running: Promise<void> | undefined;
  private abort: AbortController | undefined;

  constructor(
    readonly resource: ResourceClient<T>,
    private readonly opts: SharedInformerOptions<T> = {},
  ) {
    this.store = new Indexer<T>(opts.indexers ?? {});
    this.clock = opts.clock ?? realClock;
    this.logger = opts.logger ?? silentLogger();
  }

  /** Registers handlers; objects already known are replayed to them as adds. Answers an unregister function. */
  addEventHandler(handlers: EventHandlers<T>, resyncMs = this.opts.resyncMs ?? 0): () => void {
    const reg: Registered<T> = { handlers, resyncMs };
    this.handlers.push(reg);
    if (this.synced) for (const obj of this.store.list()) this.call(reg, "onAdd", obj, true);
    if (resyncMs > 0 && this.abort) this.resyncLoop(reg, this.abort.signal);
    return () => {
      const i = this.handlers.indexOf(reg);
      if (i >= 0) this.handlers.splice(i, 1);
    };
  }

  addIndexers(indexers: Record<string, IndexFunc<T>>): void {
    this.store.addIndexers(indexers);
  }

  hasSynced(): boolean {
    return this.synced;
  }

  /** The resourceVersion the cache is current to. */
  lastSyncResourceVersion(): string {
    return this.resourceVersion;
  }

  /** Resolves true once the first list is in the store, false if `signal` aborts first. */
  waitForSync(signal?: AbortSignal): Promise<boolean> {
    if (this.synced) return Promise.resolve(true);
    return new Promise((resolve) => {
      const onAbort = () => resolve(false);
      signal?.addEventListener("abort", onAbort, { once: true });
      this.syncWaiters.push(() => {
        signal?.removeEventListener("abort", onAbort);
        resolve(true);
      });
    });
  }

  /** Starts listing and watching until `signal` aborts or `stop` is called. Idempotent. */
  start(signal?: AbortSignal): void {
    if (this.running) return;
    this.abort = new AbortController();
    const own = this.abort.signal;
    if (signal?.aborted) this.abort.abort();
    else signal?.addEventListener("abort", () => this.abort?.abort(), { once: true });
    for (const reg of this.handlers) if (reg.resyncMs > 0) this.resyncLoop(reg, own);
    this.running = this.run(own);
  }

  async stop(): Promise<void> {
    this.abort?.abort();
    await this.running;
  }

  private async run(signal: AbortSignal): Promise<void> {
    let needList = true;
    let backoff = BACKOFF_START_MS;
    while (!signal.aborted) {
      try {
        if (needList) {
          await this.list();
          needList = false;
        }
        const timeoutSeconds = Math.floor(MIN_WATCH_TIMEOUT_S * (1 + Math.random()));
        const events = this.resource.watch({ resourceVersion: this.resourceVersion, allowWatchBookmarks: true, timeoutSeconds, ...this.selectors() }, signal);
        for await (const ev of events) {
          backoff = BACKOFF_START_MS;
          const obj = ev.object;
          if (ev.type === "ADDED" || ev.type === "MODIFIED") this.upsert(obj, false);
          else if (ev.type === "DELETED") this.remove(objectKey(obj), obj, false);
          if (obj.metadata?.resourceVersion) this.resourceVersion = obj.metadata.resourceVersion;
        }
      } catch (err) {
        if (signal.aborted) break;
        if (isGone(err)) {
          this.logger.info({ resource: this.resource.ref.resource, rv: this.resourceVersion }, "watch expired (410); listing again");
          needList = true;
          continue;
        }
        this.logger.warn({ resource: this.resource.ref.resource, err: (err as Error).message, retryInMs: backoff }, needList ? "list failed" : "watch failed");
        await sleep(this.clock, backoff, signal);
        backoff = Math.min(backoff * 2, BACKOFF_MAX_MS);
      }
    }
  }

  private selectors() {
    return {
      ...(this.opts.labelSelector ? { labelSelector: this.opts.labelSelector } : {}),
      ...(this.opts.fieldSelector ? { fieldSelector: this.opts.fieldSelector } : {}),
    };
  }

  /** Lists and replaces the store, telling handlers what a watch would have told them. */
  private async list(): Promise<void> {
    const list = await this.resource.listAll({ ...this.selectors() }, this.opts.pageSize ?? 500);
    const initial = !this.synced;
    const seen = new Set<string>();
    for (const obj of list.items) {
      seen.add(objectKey(obj));
      this.upsert(obj, initial);
    }
    for (const key of this.store.keys()) if (!seen.has(key)) this.remove(key, this.store.get(key)!, true);
    this.resourceVersion = list.metadata.resourceVersion ?? "";
    if (!this.synced) {
      this.synced = true;
      for (const w of this.syncWaiters.splice(0)) w();
    }
  }

  private upsert(obj: T, initial: boolean): void {
    const old = this.store.upsert(obj);
    if (!old) for (const reg of [...this.handlers]) this.call(reg, "onAdd", obj, initial);
    else if (old.metadata.resourceVersion !== obj.metadata.resourceVersion) for (const reg of [...this.handlers]) this.call(reg, "onUpdate", old, obj);
  }

  private remove(key: string, last: T, inferred: boolean): void {
    const old = this.store.remove(key);
    for (const reg of [...this.handlers]) this.call(reg, "onDelete", inferred ? (old ?? last) : last, inferred);
  }

  private resyncLoop(reg: Registered<T>, signal: AbortSignal): void {
    const tick = () => {
      if (signal.aborted || !this.handlers.includes(reg)) return;
      if (this.synced) for (const obj of this.store.list()) this.call(reg, "onUpdate", obj, obj);
      handle = this.clock.setTimeout(tick, reg.resyncMs);
    };
    let handle = this.clock.setTimeout(tick, reg.resyncMs);
    signal.addEventListener("abort", () => this.clock.clearTimeout(handle), { once: true });
  }

  /** A handler that throws is logged and does not stop the others: handlers are the controllers' code. */
  private call(reg: Registered<T>, what: "onAdd" | "onUpdate" | "onDelete", a: T, b: T | boolean): void {
    try {
      (reg.handlers[what] as ((x: T, y: T | boolean) => void) | undefined)?.call(reg.handlers, a, b);
    } catch (err) {
      this.logger.error({ resource: this.resource.ref.resource, handler: what, err: (err as Error).message }, "informer handler failed");
    }
  }
}
