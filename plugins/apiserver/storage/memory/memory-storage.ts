import { StorageError, type KeyValue, type ListOptions, type ListResult, type Storage, type WatchCallbacks, type WatchEvent, type WatchHandle, type WriteResult } from "../../../../core/apiserver/storage.js";
import type { ApiServerHandle } from "../../../../core/apiserver/handle.js";
import type { MemoryStorageArgs as MemoryStorageArgsInput } from "../../../../schemas/generated/plugins/apiserver/memory.args.js";
import { WatchFanout } from "../../../../core/apiserver/storage-watch-fanout.js";
import { PageRemainders } from "../../../../core/apiserver/storage-page-counts.js";

/** The args once the schema has filled in its defaults. */
export type MemoryStorageArgs = Required<MemoryStorageArgsInput>;

/** One version of a key; `kv` is undefined for the deletion at `revision`. */
interface Version {
  revision: number;
  kv: KeyValue | undefined;
}

/**
 * An in-memory revisioned store with etcd's semantics: one global revision, every
 * key's versions since the last compaction (so lists read older snapshots for
 * paging), an event history for watches that start in the past, and compaction.
 * For tests and throwaway clusters; nothing survives the process.
 */
export class MemoryStorage implements Storage {
  /** Like etcd, an empty store is at revision 1, so a watch from a list's revision never means "from now". */
  private revision = 1;
  private compacted = 0;
  /** Versions per key, oldest first, since the last compaction. */
  private readonly versions = new Map<string, Version[]>();
  /** Every key of `versions`, sorted, for prefix ranges. */
  private keys: string[] = [];
  /** Every event after the compacted revision, in revision order. */
  private history: WatchEvent[] = [];
  private readonly watches: WatchFanout;
  private readonly pages = new PageRemainders();
  private compactor: NodeJS.Timeout | undefined;
  /** The revision at the previous compaction tick; the next tick compacts up to it. */
  private lastTickRevision = 0;
  private stopped = false;

  constructor(
    private readonly args: MemoryStorageArgs,
    private readonly handle: Pick<ApiServerHandle, "logger">,
  ) {
    this.watches = new WatchFanout(handle.logger);
  }

  start(): void {
    this.watches.reportProgressEvery(this.args.watchProgressIntervalMs, () => this.revision);
    if (this.args.compactionIntervalSeconds > 0) {
      this.lastTickRevision = this.revision;
      this.compactor = setInterval(() => this.compactOnTick(), this.args.compactionIntervalSeconds * 1000);
      this.compactor.unref();
    }
  }

  stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    clearInterval(this.compactor);
    this.watches.end(new StorageError("unavailable", "the memory storage stopped"));
  }

  async currentRevision(): Promise<number> {
    this.ensureRunning();
    return this.revision;
  }

  async compactedRevision(): Promise<number> {
    this.ensureRunning();
    return this.compacted;
  }

  async get(key: string): Promise<KeyValue | undefined> {
    this.ensureRunning();
    return this.latest(key);
  }

  async list(prefix: string, opts: ListOptions = {}): Promise<ListResult> {
    this.ensureRunning();
    const revision = this.readRevision(opts.revision);
    const limit = opts.limit && opts.limit > 0 ? opts.limit : 0;
    const kvs: KeyValue[] = [];
    let i = this.firstIndex(prefix, opts.after);
    let more = false;
    for (; i < this.keys.length && this.keys[i]!.startsWith(prefix); i++) {
      const kv = this.at(this.keys[i]!, revision);
      if (!kv) continue;
      if (limit && kvs.length === limit) {
        more = true;
        break;
      }
      kvs.push(kv);
    }
    if (!more) return { kvs, revision, more: false };
    const remaining = this.pages.after(prefix, revision, opts.after, kvs.length, kvs[kvs.length - 1]!.key, () => {
      let n = 0;
      for (; i < this.keys.length && this.keys[i]!.startsWith(prefix); i++) if (this.at(this.keys[i]!, revision)) n++;
      return n;
    });
    return { kvs, revision, more: true, remaining };
  }

  async count(prefix: string): Promise<number> {
    this.ensureRunning();
    let n = 0;
    for (let i = this.firstIndex(prefix); i < this.keys.length && this.keys[i]!.startsWith(prefix); i++) if (this.latest(this.keys[i]!)) n++;
    return n;
  }

  async create(key: string, value: string): Promise<WriteResult> {
    this.ensureRunning();
    const current = this.latest(key);
    if (current) return { ok: false, reason: "exists", current };
    const revision = ++this.revision;
    const kv = Object.freeze({ key, value, createRevision: revision, modRevision: revision });
    this.record(key, kv, { type: "put", kv });
    return { ok: true, kv };
  }

  async update(key: string, value: string, expectedModRevision?: number): Promise<WriteResult> {
    this.ensureRunning();
    const prev = this.latest(key);
    if (!prev) return { ok: false, reason: "not-found" };
    if (expectedModRevision !== undefined && prev.modRevision !== expectedModRevision) return { ok: false, reason: "conflict", current: prev };
    const kv = Object.freeze({ key, value, createRevision: prev.createRevision, modRevision: ++this.revision });
    this.record(key, kv, { type: "put", kv, prev });
    return { ok: true, kv, prev };
  }

  async delete(key: string, expectedModRevision?: number): Promise<WriteResult> {
    this.ensureRunning();
    const prev = this.latest(key);
    if (!prev) return { ok: false, reason: "not-found" };
    if (expectedModRevision !== undefined && prev.modRevision !== expectedModRevision) return { ok: false, reason: "conflict", current: prev };
    const kv = Object.freeze({ ...prev, modRevision: ++this.revision });
    this.record(key, undefined, { type: "delete", kv, prev });
    return { ok: true, kv, prev };
  }

  watch(prefix: string, fromRevision: number, cb: WatchCallbacks): WatchHandle {
    if (this.stopped) return this.watches.refuse(cb, new StorageError("unavailable", "the memory storage stopped"));
    if (fromRevision && fromRevision < this.compacted) return this.watches.refuse(cb, compactedError(fromRevision, this.compacted));
    const w = this.watches.open(prefix, fromRevision || this.revision, cb);
    if (fromRevision && fromRevision < this.revision) w.offer(this.history.slice(this.firstEventAfter(fromRevision)));
    return w;
  }

  /** Every event up to the current revision is already published, so progress can report it at once. */
  requestProgress(): void {
    this.watches.progressNow(this.revision);
  }

  async compact(revision: number): Promise<void> {
    this.ensureRunning();
    const upTo = Math.min(revision, this.revision);
    if (upTo <= this.compacted) return;
    let keysDropped = false;
    for (const [key, versions] of this.versions) {
      // The newest version at or below upTo is what reads at upTo see; older ones go.
      let keep = versions.length - 1;
      while (keep > 0 && versions[keep]!.revision > upTo) keep--;
      if (keep > 0) versions.splice(0, keep);
      // A deletion at or below upTo hides nothing any more.
      if (versions[0]!.kv === undefined && versions[0]!.revision <= upTo) versions.shift();
      if (!versions.length) {
        this.versions.delete(key);
        keysDropped = true;
      }
    }
    if (keysDropped) this.keys = this.keys.filter((k) => this.versions.has(k));
    this.history = this.history.slice(this.firstEventAfter(upTo));
    this.compacted = upTo;
  }

  /**
   * Upstream's cadence: each tick compacts to the revision seen one tick earlier, so
   * a full interval of history always remains, and never the newest `compactionKeepRevisions`.
   */
  private compactOnTick(): void {
    const target = Math.min(this.lastTickRevision, this.revision - this.args.compactionKeepRevisions);
    this.lastTickRevision = this.revision;
    if (target > this.compacted) {
      this.compact(target).catch((err) => this.handle.logger.error({ err }, "compaction failed"));
      this.handle.logger.debug({ revision: target }, "compacted");
    }
  }

  private ensureRunning(): void {
    if (this.stopped) throw new StorageError("unavailable", "the memory storage stopped");
  }

  /** The revision a read at `requested` sees; older than compacted or newer than current fails. */
  private readRevision(requested: number | undefined): number {
    if (!requested) return this.revision;
    if (requested < this.compacted) throw compactedError(requested, this.compacted);
    if (requested > this.revision) throw new StorageError("too-large", `revision ${requested} is newer than the current revision ${this.revision}`);
    return requested;
  }

  private latest(key: string): KeyValue | undefined {
    const versions = this.versions.get(key);
    return versions?.[versions.length - 1]!.kv;
  }

  private at(key: string, revision: number): KeyValue | undefined {
    const versions = this.versions.get(key)!;
    for (let i = versions.length - 1; i >= 0; i--) if (versions[i]!.revision <= revision) return versions[i]!.kv;
    return undefined;
  }

  private record(key: string, kv: KeyValue | undefined, ev: WatchEvent): void {
    let versions = this.versions.get(key);
    if (!versions) {
      this.versions.set(key, (versions = []));
      this.keys.splice(lowerBound(this.keys, key), 0, key);
    }
    versions.push({ revision: ev.kv.modRevision, kv });
    this.history.push(ev);
    this.watches.publish([ev]);
  }

  /** Index of the first key under `prefix` that is greater than `after`. */
  private firstIndex(prefix: string, after?: string): number {
    // The smallest string greater than `after` is `after` + NUL.
    return lowerBound(this.keys, after !== undefined && after >= prefix ? after + "\0" : prefix);
  }

  private firstEventAfter(revision: number): number {
    let lo = 0;
    let hi = this.history.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.history[mid]!.kv.modRevision <= revision) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}

function lowerBound(sorted: readonly string[], s: string): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid]! < s) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function compactedError(requested: number, compacted: number): StorageError {
  return new StorageError("compacted", `required revision ${requested} has been compacted (compacted revision ${compacted})`, compacted);
}
