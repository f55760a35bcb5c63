import { StorageError, type KeyValue, type ListOptions, type ListResult, type Storage, type WatchCallbacks, type WatchEvent, type WatchHandle, type WriteResult } from "../../../../core/apiserver/storage.js";

export interface MemoryStorageArgs {
  compactionIntervalSeconds: number;
  compactionKeepRevisions: number;
}

interface Version {
  kv: KeyValue | undefined; // undefined: deleted at `rev`
  rev: number;
}

interface Watcher {
  prefix: string;
  cb: WatchCallbacks;
}

/**
 * An in-memory revisioned store with etcd's semantics: every key keeps its versions
 * since the last compaction, so lists can read an older revision and watches can
 * replay. For tests and throwaway clusters; nothing survives a restart.
 */
export class MemoryStorage implements Storage {
  private rev = 0;
  private compacted = 0;
  private readonly history = new Map<string, Version[]>();
  private sortedKeys: string[] | undefined = [];
  private readonly log: WatchEvent[] = [];
  private readonly watchers = new Set<Watcher>();
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly args: MemoryStorageArgs) {}

  start(): void {
    if (this.args.compactionIntervalSeconds > 0) {
      this.timer = setInterval(() => void this.compact(this.rev - this.args.compactionKeepRevisions), this.args.compactionIntervalSeconds * 1000);
      this.timer.unref();
    }
  }

  stop(): void {
    clearInterval(this.timer);
    for (const w of this.watchers) w.cb.onError(new StorageError("unavailable", "storage stopped"));
    this.watchers.clear();
  }

  async currentRevision(): Promise<number> {
    return this.rev;
  }

  async compactedRevision(): Promise<number> {
    return this.compacted;
  }

  private at(key: string, revision?: number): KeyValue | undefined {
    const versions = this.history.get(key);
    if (!versions) return undefined;
    if (!revision) return versions[versions.length - 1]!.kv;
    for (let i = versions.length - 1; i >= 0; i--) if (versions[i]!.rev <= revision) return versions[i]!.kv;
    return undefined;
  }

  async get(key: string): Promise<KeyValue | undefined> {
    return this.at(key);
  }

  private keys(): string[] {
    this.sortedKeys ??= [...this.history.keys()].sort();
    return this.sortedKeys;
  }

  async list(prefix: string, opts: ListOptions = {}): Promise<ListResult> {
    const revision = opts.revision || this.rev;
    if (opts.revision && opts.revision < this.compacted) throw new StorageError("compacted", `required revision ${opts.revision} has been compacted`, this.compacted);
    const kvs: KeyValue[] = [];
    let more = false;
    let remaining = 0;
    for (const key of this.keys()) {
      if (!key.startsWith(prefix) || (opts.after !== undefined && key <= opts.after)) continue;
      const kv = this.at(key, revision);
      if (!kv) continue;
      if (opts.limit && kvs.length >= opts.limit) {
        more = true;
        remaining++;
        continue;
      }
      kvs.push(kv);
    }
    return { kvs, revision, more, ...(more ? { remaining } : {}) };
  }

  async count(prefix: string): Promise<number> {
    return (await this.list(prefix)).kvs.length;
  }

  private write(key: string, kv: KeyValue | undefined, prev: KeyValue | undefined): void {
    let versions = this.history.get(key);
    if (!versions) {
      this.history.set(key, (versions = []));
      this.sortedKeys = undefined;
    }
    versions.push({ kv, rev: this.rev });
    const ev: WatchEvent = kv ? { type: "put", kv, ...(prev ? { prev } : {}) } : { type: "delete", kv: { ...prev!, modRevision: this.rev }, prev: prev! };
    this.log.push(ev);
    for (const w of this.watchers) if (key.startsWith(w.prefix)) w.cb.onEvents([ev]);
  }

  async create(key: string, value: string): Promise<WriteResult> {
    const current = this.at(key);
    if (current) return { ok: false, reason: "exists", current };
    this.rev++;
    const kv = { key, value, createRevision: this.rev, modRevision: this.rev };
    this.write(key, kv, undefined);
    return { ok: true, kv };
  }

  async update(key: string, value: string, expected?: number): Promise<WriteResult> {
    const current = this.at(key);
    if (!current) return { ok: false, reason: "not-found" };
    if (expected !== undefined && current.modRevision !== expected) return { ok: false, reason: "conflict", current };
    this.rev++;
    const kv = { key, value, createRevision: current.createRevision, modRevision: this.rev };
    this.write(key, kv, current);
    return { ok: true, kv, prev: current };
  }

  async delete(key: string, expected?: number): Promise<WriteResult> {
    const current = this.at(key);
    if (!current) return { ok: false, reason: "not-found" };
    if (expected !== undefined && current.modRevision !== expected) return { ok: false, reason: "conflict", current };
    this.rev++;
    this.write(key, undefined, current);
    return { ok: true, kv: { ...current, modRevision: this.rev }, prev: current };
  }

  watch(prefix: string, fromRevision: number, cb: WatchCallbacks): WatchHandle {
    const w: Watcher = { prefix, cb };
    if (fromRevision && fromRevision < this.compacted) {
      queueMicrotask(() => cb.onError(new StorageError("compacted", `required revision ${fromRevision} has been compacted`, this.compacted)));
      return { close: () => undefined };
    }
    // Replay what the log holds after fromRevision, then go live: both happen in this tick, so nothing is missed.
    const replay = fromRevision ? this.log.filter((e) => e.kv.modRevision > fromRevision && e.kv.key.startsWith(prefix)) : [];
    if (replay.length) cb.onEvents(replay);
    this.watchers.add(w);
    return { close: () => void this.watchers.delete(w) };
  }

  async compact(revision: number): Promise<void> {
    if (revision <= this.compacted) return;
    const upTo = Math.min(revision, this.rev);
    for (const [key, versions] of this.history) {
      // Keep the newest version at or below upTo (it is still visible) and everything after.
      let keepFrom = 0;
      for (let i = 0; i < versions.length; i++) if (versions[i]!.rev <= upTo) keepFrom = i;
      const kept = versions.slice(keepFrom);
      if (kept.length === 1 && kept[0]!.kv === undefined) {
        this.history.delete(key);
        this.sortedKeys = undefined;
      } else this.history.set(key, kept);
    }
    let drop = 0;
    while (drop < this.log.length && this.log[drop]!.kv.modRevision <= upTo) drop++;
    this.log.splice(0, drop);
    this.compacted = upTo;
  }
}
