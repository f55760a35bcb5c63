import Database from "better-sqlite3";
import { mkdirSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { StorageError, type KeyValue, type ListOptions, type ListResult, type Storage, type WatchCallbacks, type WatchEvent, type WatchHandle, type WriteResult } from "../../../../core/apiserver/storage.js";
import type { ApiServerHandle } from "../../../../core/apiserver/handle.js";
import type { SqliteStorageArgs as SqliteStorageArgsInput } from "../../../../schemas/generated/plugins/apiserver/sqlite.args.js";
import { WatchFanout } from "../../../../core/apiserver/storage-watch-fanout.js";
import { PageRemainders } from "../../../../core/apiserver/storage-page-counts.js";
import { openStatements, prefixRange, type LatestRow, type Statements } from "./statements.js";

/** The args once the schema has filled in its defaults (`path` has none). */
export type SqliteStorageArgs = Required<Omit<SqliteStorageArgsInput, "path">> & Pick<SqliteStorageArgsInput, "path">;

/** Writes in one group commit at most; the rest wait for the next one. */
const MAX_BATCH = 1000;
/** Revisions one compaction transaction covers, so compaction never holds the loop long. */
const COMPACT_STEP = 2000;
/** Events a replaying watch reads per offer. */
const REPLAY_CHUNK = 1000;

type Write =
  | { kind: "create"; key: string; value: string }
  | { kind: "update"; key: string; value: string; expected: number | undefined }
  | { kind: "delete"; key: string; expected: number | undefined };

interface Pending {
  write: Write;
  resolve(r: WriteResult): void;
  reject(e: unknown): void;
}

/**
 * etcd's semantics on one SQLite file, the way kine maps them onto SQL: every write
 * appends a row whose id is the revision, a key's value is its newest row, and older
 * rows are history until compaction, so reads at a revision and watch replays are
 * queries. Writes issued in one tick commit in one transaction (group commit: one
 * fsync with synchronous=FULL) and each is answered only after that commit. The file
 * is locked to this process, which is the only writer, so watches are fed right after
 * each commit.
 */
export class SqliteStorage implements Storage {
  readonly file: string;
  private db: Database.Database | undefined;
  private sql!: Statements;
  private revision = 0;
  private compacted = 0;
  private queue: Pending[] = [];
  private flushScheduled = false;
  private readonly watches: WatchFanout;
  private readonly pages = new PageRemainders();
  private compactor: NodeJS.Timeout | undefined;
  /** The revision at the previous compaction tick; the next tick compacts up to it. */
  private lastTickRevision = 0;
  private readonly commitSeconds;
  private readonly batchSize;

  constructor(
    private readonly args: SqliteStorageArgs,
    private readonly handle: Pick<ApiServerHandle, "dataDir" | "logger" | "metrics">,
  ) {
    this.file = resolve(handle.dataDir, args.path ?? "state.db");
    this.watches = new WatchFanout(handle.logger);
    this.commitSeconds = handle.metrics.histogram({
      name: "kitbash_storage_sqlite_commit_duration_seconds",
      help: "Duration of sqlite storage group commits, fsync included",
      buckets: [0.0005, 0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.5, 1],
    });
    this.batchSize = handle.metrics.histogram({
      name: "kitbash_storage_sqlite_commit_writes",
      help: "Writes per sqlite storage group commit",
      buckets: [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000],
    });
  }

  start(): void {
    if (this.db) return;
    mkdirSync(dirname(this.file), { recursive: true });
    const db = new Database(this.file, { timeout: this.args.busyTimeoutMs });
    try {
      // Exclusive locking: one process owns the file (and its revision counter); WAL then needs no shared memory.
      db.pragma("locking_mode = EXCLUSIVE");
      const mode = db.pragma("journal_mode = WAL", { simple: true });
      if (mode !== "wal") this.handle.logger.warn({ file: this.file, mode }, "sqlite refused WAL mode; writes will be slower");
      db.pragma("synchronous = FULL");
      db.pragma("journal_size_limit = 67108864");
      db.pragma("cache_size = -32768");
      const opened = openStatements(db);
      this.sql = opened.statements;
      this.revision = opened.revision;
      this.compacted = opened.compacted;
    } catch (err) {
      db.close();
      if ((err as { code?: string }).code === "SQLITE_BUSY") throw new Error(`${this.file} is locked by another process; one API server owns a sqlite file`, { cause: err });
      throw err;
    }
    this.db = db;
    this.handle.logger.info({ file: this.file, revision: this.revision, compacted: this.compacted }, "sqlite storage opened");
    this.watches.reportProgressEvery(this.args.watchProgressIntervalMs, () => this.revision);
    if (this.args.compactionIntervalSeconds > 0) {
      this.lastTickRevision = this.revision;
      this.compactor = setInterval(() => this.compactOnTick(), this.args.compactionIntervalSeconds * 1000);
      this.compactor.unref();
    }
  }

  /** Commits what was asked before the call, ends every watch, and closes the file. */
  async stop(): Promise<void> {
    if (!this.db) return;
    clearInterval(this.compactor);
    while (this.queue.length) this.flush();
    this.watches.end(new StorageError("unavailable", "the sqlite storage stopped"));
    this.db.close();
    this.db = undefined;
    this.handle.logger.info({ file: this.file, revision: this.revision }, "sqlite storage closed");
  }

  async currentRevision(): Promise<number> {
    this.ensureOpen();
    return this.revision;
  }

  async compactedRevision(): Promise<number> {
    this.ensureOpen();
    return this.compacted;
  }

  async get(key: string): Promise<KeyValue | undefined> {
    this.ensureOpen();
    return liveKv(key, this.sql.latest.get(key));
  }

  async list(prefix: string, opts: ListOptions = {}): Promise<ListResult> {
    this.ensureOpen();
    const revision = this.readRevision(opts.revision);
    const range = prefixRange(prefix, opts.after);
    const limit = opts.limit && opts.limit > 0 ? opts.limit : 0;
    const rows = this.sql.list(range).all({ ...range.params, rev: revision, limit: limit ? limit + 1 : -1 });
    const page = limit && rows.length > limit ? rows.slice(0, limit) : rows;
    const kvs = page.map((r) => ({ key: r.name, value: r.value, createRevision: r.create_revision, modRevision: r.id }));
    if (page.length === rows.length) return { kvs, revision, more: false };
    const lastKey = kvs[kvs.length - 1]!.key;
    const remaining = this.pages.after(prefix, revision, opts.after, kvs.length, lastKey, () => {
      const rest = prefixRange(prefix, lastKey);
      return this.sql.count(rest).get({ ...rest.params, rev: revision })!.n;
    });
    return { kvs, revision, more: true, remaining };
  }

  async count(prefix: string): Promise<number> {
    this.ensureOpen();
    const range = prefixRange(prefix);
    return this.sql.count(range).get({ ...range.params, rev: this.revision })!.n;
  }

  create(key: string, value: string): Promise<WriteResult> {
    return this.enqueue({ kind: "create", key, value });
  }

  update(key: string, value: string, expectedModRevision?: number): Promise<WriteResult> {
    return this.enqueue({ kind: "update", key, value, expected: expectedModRevision });
  }

  delete(key: string, expectedModRevision?: number): Promise<WriteResult> {
    return this.enqueue({ kind: "delete", key, expected: expectedModRevision });
  }

  watch(prefix: string, fromRevision: number, cb: WatchCallbacks): WatchHandle {
    if (!this.db) return this.watches.refuse(cb, new StorageError("unavailable", "the sqlite storage is not open"));
    if (fromRevision && fromRevision < this.compacted) return this.watches.refuse(cb, compactedError(fromRevision, this.compacted));
    const w = this.watches.open(prefix, fromRevision || this.revision, cb);
    if (!fromRevision || fromRevision >= this.revision) return w;
    // Reads are synchronous and commits publish right after they finish, so history up to
    // this.revision followed by live events leaves neither a gap nor a duplicate.
    try {
      const range = prefixRange(prefix);
      let chunk: WatchEvent[] = [];
      for (const r of this.sql.since(range).iterate({ ...range.params, from: fromRevision })) {
        const kv: KeyValue = { key: r.name, value: r.value, createRevision: r.create_revision, modRevision: r.id };
        const prev: KeyValue | undefined = r.prev_id === null ? undefined : { key: r.name, value: r.prev_value!, createRevision: r.prev_create_revision!, modRevision: r.prev_id };
        chunk.push(r.deleted ? { type: "delete", kv, prev: prev ?? kv } : prev ? { type: "put", kv, prev } : { type: "put", kv });
        if (chunk.length === REPLAY_CHUNK) {
          w.offer(chunk);
          chunk = [];
        }
      }
      w.offer(chunk);
    } catch (err) {
      this.handle.logger.error({ err, prefix, fromRevision }, "watch replay failed");
      w.fail(new StorageError("internal", `watch replay failed: ${(err as Error).message}`));
    }
    return w;
  }

  /** Every event up to the current revision is already published, so progress can report it at once. */
  requestProgress(): void {
    this.watches.progressNow(this.revision);
  }

  /** Deletes superseded rows and deletions at or below `revision`, a step at a time. */
  async compact(revision: number): Promise<void> {
    this.ensureOpen();
    const target = Math.min(revision, this.revision);
    while (this.db && this.compacted < target) {
      const from = this.compacted;
      const to = Math.min(target, from + COMPACT_STEP);
      this.db.transaction(() => {
        this.sql.deleteSuperseded.run({ from, to });
        this.sql.deleteTombstones.run({ from, to });
        this.sql.setCompacted.run(to);
      })();
      this.compacted = to;
      if (to < target) await new Promise((r) => setImmediate(r));
    }
  }

  /**
   * Upstream's cadence: each tick compacts to the revision seen one tick earlier, so
   * a full interval of history always remains, and never the newest `compactionKeepRevisions`.
   */
  private compactOnTick(): void {
    const target = Math.min(this.lastTickRevision, this.revision - this.args.compactionKeepRevisions);
    this.lastTickRevision = this.revision;
    if (target <= this.compacted) return;
    const started = performance.now();
    this.compact(target).then(
      () => this.handle.logger.debug({ revision: target, ms: Math.round(performance.now() - started) }, "compacted"),
      (err) => this.handle.logger.error({ err, revision: target }, "compaction failed"),
    );
  }

  private enqueue(write: Write): Promise<WriteResult> {
    if (!this.db) return Promise.reject(new StorageError("unavailable", "the sqlite storage is not open"));
    return new Promise((resolve, reject) => {
      this.queue.push({ write, resolve, reject });
      if (!this.flushScheduled) {
        this.flushScheduled = true;
        setImmediate(() => {
          this.flushScheduled = false;
          this.flush();
        });
      }
    });
  }

  /** One group commit of the oldest queued writes. */
  private flush(): void {
    if (!this.queue.length) return;
    if (!this.db) {
      const lost = this.queue;
      this.queue = [];
      for (const p of lost) p.reject(new StorageError("unavailable", "the sqlite storage is not open"));
      return;
    }
    const batch = this.queue.length <= MAX_BATCH ? this.queue : this.queue.slice(0, MAX_BATCH);
    this.queue = batch === this.queue ? [] : this.queue.slice(MAX_BATCH);
    if (this.queue.length && !this.flushScheduled) {
      this.flushScheduled = true;
      setImmediate(() => {
        this.flushScheduled = false;
        this.flush();
      });
    }
    this.commit(batch);
  }

  /**
   * Applies the writes in order in one transaction, then answers each and feeds the
   * watches. A failed commit is retried one write per transaction, so only a write
   * that fails on its own is rejected.
   */
  private commit(batch: Pending[]): void {
    const before = this.revision;
    const results: WriteResult[] = [];
    const events: WatchEvent[] = [];
    const started = performance.now();
    try {
      this.db!.transaction(() => {
        for (const p of batch) results.push(this.apply(p.write, events));
      })();
    } catch (err) {
      this.revision = before;
      if (batch.length > 1) {
        for (const p of batch) this.commit([p]);
        return;
      }
      this.handle.logger.error({ err, key: batch[0]!.write.key }, "sqlite write failed");
      batch[0]!.reject(new StorageError("internal", `sqlite write failed: ${(err as Error).message}`));
      return;
    }
    this.commitSeconds.observe((performance.now() - started) / 1000);
    this.batchSize.observe(batch.length);
    batch.forEach((p, i) => p.resolve(results[i]!));
    this.watches.publish(events);
  }

  /** One write inside the group's transaction: its precondition sees every earlier write of the group. */
  private apply(write: Write, events: WatchEvent[]): WriteResult {
    const row = this.sql.latest.get(write.key);
    const current = liveKv(write.key, row);
    if (write.kind === "create") {
      if (current) return { ok: false, reason: "exists", current };
      const id = this.revision + 1;
      // prev_revision points at the deletion a re-create follows, as in kine.
      this.sql.insert.run(id, write.key, 1, 0, id, row?.id ?? 0, write.value);
      this.revision = id;
      const kv = { key: write.key, value: write.value, createRevision: id, modRevision: id };
      events.push({ type: "put", kv });
      return { ok: true, kv };
    }
    if (!current) return { ok: false, reason: "not-found" };
    if (write.expected !== undefined && current.modRevision !== write.expected) return { ok: false, reason: "conflict", current };
    const id = this.revision + 1;
    if (write.kind === "update") {
      this.sql.insert.run(id, write.key, 0, 0, current.createRevision, current.modRevision, write.value);
      this.revision = id;
      const kv = { key: write.key, value: write.value, createRevision: current.createRevision, modRevision: id };
      events.push({ type: "put", kv, prev: current });
      return { ok: true, kv, prev: current };
    }
    // A deletion row keeps the last value, so watchers get it with the delete event.
    this.sql.insert.run(id, write.key, 0, 1, current.createRevision, current.modRevision, current.value);
    this.revision = id;
    const kv = { ...current, modRevision: id };
    events.push({ type: "delete", kv, prev: current });
    return { ok: true, kv, prev: current };
  }

  private ensureOpen(): void {
    if (!this.db) throw new StorageError("unavailable", "the sqlite storage is not open");
  }

  /** The revision a read at `requested` sees; older than compacted or newer than current fails. */
  private readRevision(requested: number | undefined): number {
    if (!requested) return this.revision;
    if (requested < this.compacted) throw compactedError(requested, this.compacted);
    if (requested > this.revision) throw new StorageError("too-large", `revision ${requested} is newer than the current revision ${this.revision}`);
    return requested;
  }
}

function liveKv(key: string, row: LatestRow | undefined): KeyValue | undefined {
  if (!row || row.deleted) return undefined;
  return { key, value: row.value, createRevision: row.create_revision, modRevision: row.id };
}

function compactedError(requested: number, compacted: number): StorageError {
  return new StorageError("compacted", `required revision ${requested} has been compacted (compacted revision ${compacted})`, compacted);
}
