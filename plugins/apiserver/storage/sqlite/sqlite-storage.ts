import Database from "better-sqlite3";
import { mkdirSync } from "node:fs";
import { dirname, isAbsolute, join } from "node:path";
import { StorageError, type KeyValue, type ListOptions, type ListResult, type Storage, type WatchCallbacks, type WatchEvent, type WatchHandle, type WriteResult } from "../../../../core/apiserver/storage.js";
import type { ApiServerHandle } from "../../../../core/apiserver/handle.js";

export interface SqliteStorageArgs {
  path?: string;
  compactionIntervalSeconds: number;
  compactionKeepRevisions: number;
  synchronous: "FULL" | "NORMAL";
}

interface Row {
  id: number;
  name: string;
  created: number;
  deleted: number;
  create_revision: number;
  prev_revision: number;
  value: string;
}

type Op =
  | { kind: "create"; key: string; value: string }
  | { kind: "update"; key: string; value: string; expected?: number }
  | { kind: "delete"; key: string; expected?: number };

interface Pending {
  op: Op;
  resolve(r: WriteResult): void;
  reject(e: unknown): void;
}

const SCHEMA = `
CREATE TABLE IF NOT EXISTS kv (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  name TEXT NOT NULL,
  created INTEGER NOT NULL,
  deleted INTEGER NOT NULL,
  create_revision INTEGER NOT NULL,
  prev_revision INTEGER NOT NULL,
  value TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS kv_name_id ON kv (name, id);
CREATE TABLE IF NOT EXISTS meta (k TEXT PRIMARY KEY, v INTEGER NOT NULL);
`;

/**
 * etcd's semantics on one SQLite file, kine-style: every write appends a row whose id
 * is the revision; a key's current value is its newest row; history stays until
 * compaction. Writes issued in one tick commit in one transaction (one fsync with
 * synchronous=FULL), each answered only after that commit.
 */
export class SqliteStorage implements Storage {
  private db!: Database.Database;
  private stmts!: ReturnType<SqliteStorage["prepare"]>;
  private queue: Pending[] = [];
  private flushing = false;
  private readonly watchers = new Set<{ prefix: string; cb: WatchCallbacks }>();
  private timer: NodeJS.Timeout | undefined;
  private rev = 0;
  private compacted = 0;
  readonly file: string;

  constructor(
    private readonly args: SqliteStorageArgs,
    handle: Pick<ApiServerHandle, "dataDir">,
  ) {
    const p = args.path ?? "state.db";
    this.file = isAbsolute(p) ? p : join(handle.dataDir, p);
  }

  start(): void {
    mkdirSync(dirname(this.file), { recursive: true });
    this.db = new Database(this.file);
    this.db.pragma("journal_mode = WAL");
    this.db.pragma(`synchronous = ${this.args.synchronous}`);
    this.db.pragma("busy_timeout = 5000");
    this.db.exec(SCHEMA);
    this.stmts = this.prepare();
    this.rev = Number((this.db.prepare("SELECT seq FROM sqlite_sequence WHERE name = 'kv'").get() as { seq?: number } | undefined)?.seq ?? 0);
    this.compacted = Number((this.db.prepare("SELECT v FROM meta WHERE k = 'compacted'").get() as { v?: number } | undefined)?.v ?? 0);
    if (this.args.compactionIntervalSeconds > 0) {
      this.timer = setInterval(() => void this.compact(this.rev - this.args.compactionKeepRevisions), this.args.compactionIntervalSeconds * 1000);
      this.timer.unref();
    }
  }

  private prepare() {
    const d = this.db;
    return {
      latest: d.prepare<[string], Row>("SELECT * FROM kv WHERE name = ? ORDER BY id DESC LIMIT 1"),
      latestAt: d.prepare<[string, number], Row>("SELECT * FROM kv WHERE name = ? AND id <= ? ORDER BY id DESC LIMIT 1"),
      insert: d.prepare("INSERT INTO kv (name, created, deleted, create_revision, prev_revision, value) VALUES (?, ?, ?, ?, ?, ?)"),
      // The newest row per key at a revision, for keys in a prefix range after a key.
      list: d.prepare<[string, string, string, number, number], Row>(
        `SELECT kv.* FROM kv JOIN (SELECT name, MAX(id) AS id FROM kv WHERE name >= ? AND name < ? AND name > ? AND id <= ? GROUP BY name) m ON kv.id = m.id
         WHERE kv.deleted = 0 ORDER BY kv.name LIMIT ?`,
      ),
      countLive: d.prepare<[string, string, string, number], { n: number }>(
        `SELECT COUNT(*) AS n FROM kv JOIN (SELECT name, MAX(id) AS id FROM kv WHERE name >= ? AND name < ? AND name > ? AND id <= ? GROUP BY name) m ON kv.id = m.id WHERE kv.deleted = 0`,
      ),
      since: d.prepare<[number, string, string], Row>("SELECT * FROM kv WHERE id > ? AND name >= ? AND name < ? ORDER BY id"),
      prevOf: d.prepare<[number], Row>("SELECT * FROM kv WHERE id = ?"),
    };
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    while (this.queue.length || this.flushing) await new Promise((r) => setImmediate(r));
    for (const w of this.watchers) w.cb.onError(new StorageError("unavailable", "storage stopped"));
    this.watchers.clear();
    this.db?.close();
  }

  async currentRevision(): Promise<number> {
    return this.rev;
  }

  async compactedRevision(): Promise<number> {
    return this.compacted;
  }

  private toKv(r: Row): KeyValue {
    return { key: r.name, value: r.value, createRevision: r.create_revision, modRevision: r.id };
  }

  async get(key: string): Promise<KeyValue | undefined> {
    const r = this.stmts.latest.get(key);
    return r && !r.deleted ? this.toKv(r) : undefined;
  }

  async list(prefix: string, opts: ListOptions = {}): Promise<ListResult> {
    const revision = opts.revision || this.rev;
    if (opts.revision && opts.revision < this.compacted) throw new StorageError("compacted", `required revision ${opts.revision} has been compacted`, this.compacted);
    const end = prefixEnd(prefix);
    const after = opts.after ?? "";
    const limit = opts.limit && opts.limit > 0 ? opts.limit : -1;
    const rows = this.stmts.list.all(prefix, end, after, revision, limit === -1 ? -1 : limit + 1);
    const more = limit !== -1 && rows.length > limit;
    const kvs = (more ? rows.slice(0, limit) : rows).map((r) => this.toKv(r));
    const out: ListResult = { kvs, revision, more };
    if (more) out.remaining = this.stmts.countLive.get(prefix, end, kvs[kvs.length - 1]!.key, revision)!.n;
    return out;
  }

  async count(prefix: string): Promise<number> {
    return this.stmts.countLive.get(prefix, prefixEnd(prefix), "", this.rev)!.n;
  }

  create(key: string, value: string): Promise<WriteResult> {
    return this.enqueue({ kind: "create", key, value });
  }

  update(key: string, value: string, expected?: number): Promise<WriteResult> {
    return this.enqueue({ kind: "update", key, value, ...(expected !== undefined ? { expected } : {}) });
  }

  delete(key: string, expected?: number): Promise<WriteResult> {
    return this.enqueue({ kind: "delete", key, ...(expected !== undefined ? { expected } : {}) });
  }

  private enqueue(op: Op): Promise<WriteResult> {
    return new Promise((resolve, reject) => {
      this.queue.push({ op, resolve, reject });
      if (this.queue.length === 1 && !this.flushing) setImmediate(() => this.flush());
    });
  }

  /** Commits every queued write in one transaction, in order, then answers and notifies. */
  private flush(): void {
    if (this.flushing || !this.queue.length) return;
    this.flushing = true;
    const batch = this.queue;
    this.queue = [];
    const results: WriteResult[] = [];
    const events: { key: string; ev: WatchEvent }[] = [];
    try {
      this.db.transaction(() => {
        for (const { op } of batch) results.push(this.apply(op, events));
      })();
    } catch (err) {
      this.rev = Number((this.db.prepare("SELECT seq FROM sqlite_sequence WHERE name = 'kv'").get() as { seq?: number } | undefined)?.seq ?? 0);
      for (const p of batch) p.reject(new StorageError("internal", (err as Error).message));
      this.flushing = false;
      if (this.queue.length) setImmediate(() => this.flush());
      return;
    }
    this.flushing = false;
    batch.forEach((p, i) => p.resolve(results[i]!));
    this.notify(events);
    if (this.queue.length) setImmediate(() => this.flush());
  }

  private apply(op: Op, events: { key: string; ev: WatchEvent }[]): WriteResult {
    const row = this.stmts.latest.get(op.key);
    const current = row && !row.deleted ? this.toKv(row) : undefined;
    if (op.kind === "create") {
      if (current) return { ok: false, reason: "exists", current };
      const id = Number(this.stmts.insert.run(op.key, 1, 0, 0, row?.id ?? 0, op.value).lastInsertRowid);
      this.db.prepare("UPDATE kv SET create_revision = ? WHERE id = ?").run(id, id);
      this.rev = id;
      const kv = { key: op.key, value: op.value, createRevision: id, modRevision: id };
      events.push({ key: op.key, ev: { type: "put", kv } });
      return { ok: true, kv };
    }
    if (!current) return { ok: false, reason: "not-found" };
    if (op.expected !== undefined && current.modRevision !== op.expected) return { ok: false, reason: "conflict", current };
    if (op.kind === "update") {
      const id = Number(this.stmts.insert.run(op.key, 0, 0, current.createRevision, current.modRevision, op.value).lastInsertRowid);
      this.rev = id;
      const kv = { key: op.key, value: op.value, createRevision: current.createRevision, modRevision: id };
      events.push({ key: op.key, ev: { type: "put", kv, prev: current } });
      return { ok: true, kv, prev: current };
    }
    const id = Number(this.stmts.insert.run(op.key, 0, 1, current.createRevision, current.modRevision, current.value).lastInsertRowid);
    this.rev = id;
    const kv = { ...current, modRevision: id };
    events.push({ key: op.key, ev: { type: "delete", kv, prev: current } });
    return { ok: true, kv, prev: current };
  }

  private notify(events: { key: string; ev: WatchEvent }[]): void {
    if (!events.length) return;
    for (const w of this.watchers) {
      const mine = events.filter((e) => e.key.startsWith(w.prefix)).map((e) => e.ev);
      if (mine.length) w.cb.onEvents(mine);
    }
  }

  watch(prefix: string, fromRevision: number, cb: WatchCallbacks): WatchHandle {
    if (fromRevision && fromRevision < this.compacted) {
      queueMicrotask(() => cb.onError(new StorageError("compacted", `required revision ${fromRevision} has been compacted`, this.compacted)));
      return { close: () => undefined };
    }
    // Reads are synchronous and commits happen on the event loop, so replay then subscribe leaves no gap.
    if (fromRevision && fromRevision < this.rev) {
      const rows = this.stmts.since.all(fromRevision, prefix, prefixEnd(prefix));
      const evs: WatchEvent[] = rows.map((r) => {
        const prev = r.prev_revision ? this.stmts.prevOf.get(r.prev_revision) : undefined;
        const prevKv = prev && !prev.deleted ? this.toKv(prev) : undefined;
        if (r.deleted) return { type: "delete", kv: this.toKv(r), prev: prevKv ?? this.toKv(r) };
        return { type: "put", kv: this.toKv(r), ...(prevKv && !r.created ? { prev: prevKv } : {}) };
      });
      if (evs.length) cb.onEvents(evs);
    }
    const w = { prefix, cb };
    this.watchers.add(w);
    return { close: () => void this.watchers.delete(w) };
  }

  async compact(revision: number): Promise<void> {
    const upTo = Math.min(revision, this.rev);
    if (upTo <= this.compacted) return;
    this.db.transaction(() => {
      // Drop rows superseded at or before upTo, and deletions at or before upTo.
      this.db.prepare("DELETE FROM kv WHERE id <= ? AND id < (SELECT MAX(id) FROM kv k2 WHERE k2.name = kv.name AND k2.id <= ?)").run(upTo, upTo);
      this.db.prepare("DELETE FROM kv WHERE id <= ? AND deleted = 1").run(upTo);
      this.db.prepare("INSERT INTO meta (k, v) VALUES ('compacted', ?) ON CONFLICT(k) DO UPDATE SET v = excluded.v").run(upTo);
    })();
    this.compacted = upTo;
  }
}

/** The smallest string greater than every string with this prefix. */
function prefixEnd(prefix: string): string {
  return prefix.slice(0, -1) + String.fromCharCode(prefix.charCodeAt(prefix.length - 1) + 1);
}
