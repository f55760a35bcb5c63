import type Database from "better-sqlite3";

/** `PRAGMA user_version` of the layout below; a file from a newer Kitbash is refused. */
const SCHEMA_VERSION = 1;

/**
 * kine's table, less the lease columns: one row per write and the id is its revision.
 * A deletion is a row with deleted=1 that keeps the last value; prev_revision is the
 * row a write supersedes (for a re-create, the deletion it follows). The index also
 * holds `deleted`, so counting live keys never reads the table.
 */
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
CREATE INDEX IF NOT EXISTS kv_name_id_deleted ON kv (name, id, deleted);
CREATE TABLE IF NOT EXISTS meta (k TEXT PRIMARY KEY, v INTEGER NOT NULL);
`;

export interface LatestRow {
  id: number;
  deleted: number;
  create_revision: number;
  value: string;
}

interface ListRow {
  id: number;
  name: string;
  create_revision: number;
  value: string;
}

interface SinceRow {
  id: number;
  name: string;
  deleted: number;
  create_revision: number;
  value: string;
  prev_id: number | null;
  prev_create_revision: number | null;
  prev_value: string | null;
}

/** Keys from `lo` on, below `hi` when the prefix has an end (the empty prefix has none). */
export interface PrefixRange {
  bounded: boolean;
  params: { lo: string; hi?: string };
}

export interface Statements {
  latest: Database.Statement<[string], LatestRow>;
  insert: Database.Statement<[id: number, name: string, created: number, deleted: number, createRevision: number, prevRevision: number, value: string]>;
  /** The newest row per key at or below `rev`, live ones only, in key order. */
  list(range: PrefixRange): Database.Statement<[PrefixRange["params"] & { rev: number; limit: number }], ListRow>;
  count(range: PrefixRange): Database.Statement<[PrefixRange["params"] & { rev: number }], { n: number }>;
  /** Rows after `from` in revision order, each with the row it superseded (not for creates). */
  since(range: PrefixRange): Database.Statement<[PrefixRange["params"] & { from: number }], SinceRow>;
  deleteSuperseded: Database.Statement<[{ from: number; to: number }]>;
  deleteTombstones: Database.Statement<[{ from: number; to: number }]>;
  setCompacted: Database.Statement<[number]>;
}

/**
 * Creates or checks the layout while taking the file's lock, reads the revisions, and
 * prepares every statement the store runs.
 */
export function openStatements(db: Database.Database): { statements: Statements; revision: number; compacted: number } {
  db.exec("BEGIN IMMEDIATE");
  try {
    const version = db.pragma("user_version", { simple: true }) as number;
    if (version > SCHEMA_VERSION) throw new Error(`${db.name} has storage layout ${version}; this Kitbash knows up to ${SCHEMA_VERSION}`);
    db.exec(SCHEMA);
    db.pragma(`user_version = ${SCHEMA_VERSION}`);
    db.exec("COMMIT");
  } catch (err) {
    if (db.inTransaction) db.exec("ROLLBACK");
    throw err;
  }
  // AUTOINCREMENT's counter outlives the rows compaction deletes, so revisions never go back.
  const seq = (db.prepare("SELECT seq FROM sqlite_sequence WHERE name = 'kv'").get() as { seq: number } | undefined)?.seq ?? 0;
  const maxId = (db.prepare("SELECT MAX(id) AS id FROM kv").get() as { id: number | null }).id ?? 0;
  const compacted = (db.prepare("SELECT v FROM meta WHERE k = 'compacted'").get() as { v: number } | undefined)?.v ?? 0;

  const ranged = <P extends {}, R>(sql: (belowHi: (column: string) => string) => string) => {
    const bounded = db.prepare<P, R>(sql((column) => `AND ${column} < @hi`));
    const open = db.prepare<P, R>(sql(() => ""));
    return (range: PrefixRange) => (range.bounded ? bounded : open);
  };
  const statements: Statements = {
    latest: db.prepare<[string], LatestRow>("SELECT id, deleted, create_revision, value FROM kv WHERE name = ? ORDER BY id DESC LIMIT 1"),
    insert: db.prepare("INSERT INTO kv (id, name, created, deleted, create_revision, prev_revision, value) VALUES (?, ?, ?, ?, ?, ?, ?)"),
    // SQLite fills bare columns from the row that holds MAX(id); the index gives key order and lets LIMIT stop early.
    list: ranged<PrefixRange["params"] & { rev: number; limit: number }, ListRow>(
      (hi) => `SELECT MAX(id) AS id, name, deleted, create_revision, value FROM kv
               WHERE name >= @lo ${hi("name")} AND id <= @rev GROUP BY name HAVING deleted = 0 ORDER BY name LIMIT @limit`,
    ),
    count: ranged<PrefixRange["params"] & { rev: number }, { n: number }>(
      (hi) => `SELECT COUNT(*) AS n FROM (SELECT MAX(id), deleted FROM kv WHERE name >= @lo ${hi("name")} AND id <= @rev GROUP BY name HAVING deleted = 0)`,
    ),
    since: ranged<PrefixRange["params"] & { from: number }, SinceRow>(
      (hi) => `SELECT r.id, r.name, r.deleted, r.create_revision, r.value, p.id AS prev_id, p.create_revision AS prev_create_revision, p.value AS prev_value
               FROM kv r LEFT JOIN kv p ON r.created = 0 AND p.id = r.prev_revision
               WHERE r.id > @from AND r.name >= @lo ${hi("r.name")} ORDER BY r.id`,
    ),
    // Rows superseded by a write in (from, to]; anything superseded earlier went in an earlier step.
    deleteSuperseded: db.prepare("DELETE FROM kv WHERE id IN (SELECT prev_revision FROM kv WHERE id > @from AND id <= @to AND prev_revision > 0)"),
    deleteTombstones: db.prepare("DELETE FROM kv WHERE id > @from AND id <= @to AND deleted = 1"),
    setCompacted: db.prepare("INSERT INTO meta (k, v) VALUES ('compacted', ?) ON CONFLICT (k) DO UPDATE SET v = excluded.v"),
  };
  // Like etcd, an empty store is at revision 1, so a watch from a list's revision never means "from now".
  return { statements, revision: Math.max(seq, maxId, 1), compacted };
}

/** The range of keys under `prefix` that sort after `after`, in SQLite's byte order. */
export function prefixRange(prefix: string, after?: string): PrefixRange {
  // The smallest string greater than `after` is `after` + NUL.
  const lo = after !== undefined && after >= prefix ? after + "\0" : prefix;
  const hi = prefixEnd(prefix);
  return hi === undefined ? { bounded: false, params: { lo } } : { bounded: true, params: { lo, hi } };
}

/** The smallest string above every string that starts with `prefix`; none for "" (or all U+FFFF). */
function prefixEnd(prefix: string): string | undefined {
  for (let i = prefix.length - 1; i >= 0; i--) {
    const c = prefix.charCodeAt(i);
    if (c < 0xffff) return prefix.slice(0, i) + String.fromCharCode(c + 1);
  }
  return undefined;
}
