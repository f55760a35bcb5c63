/**
 * The contract of the `apiserver.storage` point: a revisioned key-value store with
 * etcd's semantics. Every write bumps one global revision; a key's modRevision is
 * the object's resourceVersion. Values are the object's JSON text without
 * `metadata.resourceVersion` (the API layer sets that from modRevision on read).
 */
export interface KeyValue {
  key: string;
  value: string;
  createRevision: number;
  modRevision: number;
}

export interface ListOptions {
  /**
   * Read at this revision (a consistent snapshot for paging); 0/undefined = newest.
   * Older than the compacted revision fails with `compacted`; newer than the current
   * revision fails with `too-large` (upstream's "Too large resource version").
   */
  revision?: number;
  /** Return keys strictly greater than this one (continue tokens). */
  after?: string;
  /** At most this many items; 0/undefined = all. */
  limit?: number;
}

export interface ListResult {
  kvs: KeyValue[];
  /** The revision the list was read at. */
  revision: number;
  /** Whether keys remain after the last one returned. */
  more: boolean;
  /**
   * How many keys remain after this page, when `more` is true. Paging through a whole
   * prefix must stay linear: a backend counts a snapshot once and derives the next
   * pages' counts (or leaves this out), never recounting the rest on every page.
   */
  remaining?: number;
}

export type WriteResult =
  | { ok: true; kv: KeyValue; prev?: KeyValue }
  | { ok: false; reason: "exists" | "not-found" | "conflict"; current?: KeyValue };

export interface WatchEvent {
  type: "put" | "delete";
  /** For deletes, `value` is the last value and `modRevision` the deletion's revision. */
  kv: KeyValue;
  prev?: KeyValue;
}

export interface WatchHandle {
  close(): void;
}

export interface WatchCallbacks {
  /** Events in revision order, batched where the backend delivers several at once. */
  onEvents(events: WatchEvent[]): void;
  /** The backend's revision advanced without events for this prefix (for bookmarks). */
  onProgress?(revision: number): void;
  /** The watch cannot continue (compacted, backend stopped); no more calls follow. */
  onError(err: StorageError): void;
}

/**
 * Why a storage call failed: `compacted` (the revision's history is gone), `unavailable`
 * (stopped or not open), `too-large` (a read at a revision the store has not reached),
 * `internal` (anything else).
 */
export class StorageError extends Error {
  constructor(
    readonly reason: "compacted" | "unavailable" | "too-large" | "internal",
    message: string,
    /** For `compacted`: the oldest revision still available. */
    readonly compactedRevision?: number,
  ) {
    super(message);
    this.name = "StorageError";
  }
}

export interface Storage {
  /**
   * The newest revision in the store. A fresh store is at revision 1, as etcd is, so a
   * list's revision is never 0 (which clients read as "any") and a watch from it never
   * means "from now".
   */
  currentRevision(): Promise<number>;
  /** The revision up to which history has been discarded; watches and reads before it fail with `compacted`. */
  compactedRevision(): Promise<number>;
  get(key: string): Promise<KeyValue | undefined>;
  /** Keys starting with `prefix`, in key order. */
  list(prefix: string, opts?: ListOptions): Promise<ListResult>;
  count(prefix: string): Promise<number>;
  /** Fails with `exists` if the key is present. */
  create(key: string, value: string): Promise<WriteResult>;
  /** Fails with `not-found`, or `conflict` when `expectedModRevision` is given and differs. */
  update(key: string, value: string, expectedModRevision?: number): Promise<WriteResult>;
  /** Fails with `not-found`, or `conflict` when `expectedModRevision` is given and differs. */
  delete(key: string, expectedModRevision?: number): Promise<WriteResult>;
  /**
   * Events for keys under `prefix` with revision > `fromRevision`, in order. A
   * `fromRevision` older than the compacted revision fails with `compacted`.
   */
  watch(prefix: string, fromRevision: number, cb: WatchCallbacks): WatchHandle;
  /** Discards history at or below `revision`. */
  compact(revision: number): Promise<void>;
  /**
   * Asks for every open watch to be told the current revision soon (`onProgress`, after
   * any events still queued for it), like etcd's RequestProgress: a consistent read from
   * the watch cache uses it to learn that nothing under its prefix changed.
   */
  requestProgress?(): void;
  start?(signal: AbortSignal): Promise<void> | void;
  stop?(): Promise<void> | void;
}
