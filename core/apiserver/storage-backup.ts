import { createHash } from "node:crypto";
import { createReadStream, createWriteStream, renameSync, rmSync } from "node:fs";
import { once } from "node:events";
import { createInterface } from "node:readline";
import { StorageError, type Storage } from "./storage.js";

/**
 * A backend-neutral backup of a store: JSON lines, so any store can be dumped at one
 * revision and loaded into any other.
 *
 *   {"format":"kitbash-backup","formatVersion":1,"source":"sqlite","revision":42,"createdAt":"…"}
 *   {"key":"/registry/namespaces/default","value":"{…the stored object text…}"}
 *   …
 *   {"end":true,"count":17,"sha256":"<hex of every byte before this line>"}
 *
 * Values are the stored text exactly, so uids, creation timestamps and every other
 * field survive; revisions are the target store's own (resourceVersions change).
 */
export const BACKUP_FORMAT = "kitbash-backup";
export const BACKUP_FORMAT_VERSION = 1;

/** Keys a backup reads per page, all pages at the first page's revision. */
const PAGE = 500;
/** Creates a restore keeps in flight. */
const RESTORE_CONCURRENCY = 64;

export interface BackupHeader {
  format: typeof BACKUP_FORMAT;
  formatVersion: number;
  source: string;
  revision: number;
  createdAt: string;
}

export interface BackupSummary {
  file: string;
  source: string;
  revision: number;
  count: number;
}

/** A backup file that cannot be read: names the file, and the line when there is one. */
export class BackupFileError extends Error {
  constructor(file: string, problem: string, line?: number) {
    super(`${file}${line ? `:${line}` : ""}: ${problem}`);
    this.name = "BackupFileError";
  }
}

/** Refusals that are about the target store, not the file. */
export class RestoreRefused extends Error {
  override name = "RestoreRefused";
}

/**
 * Writes every key of `storage` as it was at one revision (the first page's) to `file`,
 * through a temporary file renamed into place, so `file` is never a partial backup.
 * A compaction past that revision while paging starts over at a newer one.
 */
export async function backupStorage(storage: Storage, source: string, file: string): Promise<BackupSummary> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await backupOnce(storage, source, file);
    } catch (err) {
      if (attempt < 2 && err instanceof StorageError && err.reason === "compacted") continue;
      throw err;
    }
  }
}

async function backupOnce(storage: Storage, source: string, file: string): Promise<BackupSummary> {
  const partial = `${file}.partial`;
  const out = createWriteStream(partial, { mode: 0o600 });
  await once(out, "open");
  const hash = createHash("sha256");
  const write = async (line: string) => {
    hash.update(line);
    if (!out.write(line)) await once(out, "drain");
  };
  try {
    let page = await storage.list("", { limit: PAGE });
    const revision = page.revision;
    const header: BackupHeader = { format: BACKUP_FORMAT, formatVersion: BACKUP_FORMAT_VERSION, source, revision, createdAt: new Date().toISOString() };
    await write(JSON.stringify(header) + "\n");
    let count = 0;
    for (;;) {
      for (const kv of page.kvs) await write(JSON.stringify({ key: kv.key, value: kv.value }) + "\n");
      count += page.kvs.length;
      if (!page.more) break;
      page = await storage.list("", { limit: PAGE, revision, after: page.kvs[page.kvs.length - 1]!.key });
    }
    out.write(JSON.stringify({ end: true, count, sha256: hash.digest("hex") }) + "\n");
    out.end();
    await once(out, "finish");
    renameSync(partial, file);
    return { file, source, revision, count };
  } catch (err) {
    out.destroy();
    await once(out, "close");
    rmSync(partial, { force: true });
    throw err;
  }
}

interface Entry {
  key: string;
  value: string;
}

/** Reads and checks the whole file (header, every line, count, checksum) without keeping it. */
export async function verifyBackup(file: string): Promise<BackupSummary & { header: BackupHeader }> {
  let header: BackupHeader | undefined;
  let count = 0;
  let trailer: { count: number; sha256: string } | undefined;
  const hash = createHash("sha256");
  await eachLine(file, (line, n) => {
    if (trailer) throw new BackupFileError(file, "content after the end line", n);
    const parsed = parseLine(file, line, n);
    if (n === 1) {
      header = checkHeader(file, parsed);
    } else if (isTrailer(parsed)) {
      trailer = parsed;
      return;
    } else {
      checkEntry(file, parsed, n);
      count++;
    }
    hash.update(line + "\n");
  });
  if (!header) throw new BackupFileError(file, "empty file; not a Kitbash backup");
  if (!trailer) throw new BackupFileError(file, `truncated: no end line after ${count} entries`);
  if (trailer.count !== count) throw new BackupFileError(file, `the end line counts ${trailer.count} entries but the file holds ${count}`);
  if (trailer.sha256 !== hash.digest("hex")) throw new BackupFileError(file, "checksum mismatch: the file was changed or damaged after it was written");
  return { file, header, source: header.source, revision: header.revision, count };
}

/**
 * Loads a backup into an empty store, keeping every value byte for byte. The file is
 * checked completely first, so a damaged file writes nothing; a store that holds any
 * key is refused.
 */
export async function restoreStorage(storage: Storage, file: string): Promise<BackupSummary> {
  const summary = await verifyBackup(file);
  const present = await storage.count("");
  if (present > 0) throw new RestoreRefused(`the target store is not empty (it holds ${present} keys); restore loads into an empty store only`);
  let batch: Promise<void>[] = [];
  const create = async ({ key, value }: Entry) => {
    const r = await storage.create(key, value);
    if (!r.ok) throw new RestoreRefused(`could not create ${key} in the target store: ${r.reason}`);
  };
  await eachLine(file, async (line, n) => {
    if (n === 1) return;
    const parsed = JSON.parse(line) as Entry | { end: true };
    if ("end" in parsed) return;
    batch.push(create(parsed));
    if (batch.length >= RESTORE_CONCURRENCY) {
      await Promise.all(batch);
      batch = [];
    }
  });
  await Promise.all(batch);
  return { file, source: summary.source, revision: summary.revision, count: summary.count };
}

async function eachLine(file: string, fn: (line: string, n: number) => void | Promise<void>): Promise<void> {
  const input = createReadStream(file, { encoding: "utf8" });
  const opened = once(input, "open").catch((err: NodeJS.ErrnoException) => {
    throw new BackupFileError(file, err.code === "ENOENT" ? "no such file" : err.message);
  });
  await opened;
  const lines = createInterface({ input, crlfDelay: Infinity });
  let n = 0;
  try {
    for await (const line of lines) await fn(line, ++n);
  } finally {
    lines.close();
    input.destroy();
  }
}

function parseLine(file: string, line: string, n: number): Record<string, unknown> {
  try {
    const v: unknown = JSON.parse(line);
    if (v && typeof v === "object" && !Array.isArray(v)) return v as Record<string, unknown>;
  } catch {
    // reported below
  }
  throw new BackupFileError(file, n === 1 ? "not a Kitbash backup (the first line is not its JSON header)" : "not a JSON object line; the file is damaged", n);
}

function checkHeader(file: string, h: Record<string, unknown>): BackupHeader {
  if (h.format !== BACKUP_FORMAT) throw new BackupFileError(file, `not a Kitbash backup (format ${JSON.stringify(h.format)}, expected "${BACKUP_FORMAT}")`, 1);
  if (typeof h.formatVersion !== "number" || h.formatVersion > BACKUP_FORMAT_VERSION)
    throw new BackupFileError(file, `backup format version ${String(h.formatVersion)} is newer than this Kitbash reads (up to ${BACKUP_FORMAT_VERSION})`, 1);
  if (typeof h.source !== "string" || typeof h.revision !== "number") throw new BackupFileError(file, "the header lacks source or revision", 1);
  return h as unknown as BackupHeader;
}

function isTrailer(v: Record<string, unknown>): v is { end: true; count: number; sha256: string } {
  return v.end === true && typeof v.count === "number" && typeof v.sha256 === "string";
}

function checkEntry(file: string, v: Record<string, unknown>, n: number): void {
  if (typeof v.key !== "string" || !v.key || typeof v.value !== "string") throw new BackupFileError(file, "an entry needs a non-empty string key and a string value", n);
}
