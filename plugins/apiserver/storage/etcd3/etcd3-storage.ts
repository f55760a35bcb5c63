import { resolve } from "node:path";
import { StorageError, type KeyValue, type ListOptions, type ListResult, type Storage, type WatchCallbacks, type WatchHandle, type WriteResult } from "../../../../core/apiserver/storage.js";
import type { ApiServerHandle } from "../../../../core/apiserver/handle.js";
import type { Etcd3StorageArgs as Etcd3StorageArgsInput } from "../../../../schemas/generated/plugins/apiserver/etcd3.args.js";
import { EtcdClient, loadFile, type EtcdKv, type RequestOp } from "./etcd-client.js";
import { EtcdWatch } from "./etcd-watch.js";
import { KeySpace } from "./keys.js";
import { progressRequestsAreSafe } from "./versions.js";

/** The args once the schema has filled in its defaults (the TLS files have none). */
export type Etcd3StorageArgs = Required<Omit<Etcd3StorageArgsInput, "caFile" | "certFile" | "keyFile">> & Pick<Etcd3StorageArgsInput, "caFile" | "certFile" | "keyFile">;

/** How long stop() waits for watches to receive the events of answered writes (a quiet watch never does). */
const STOP_DRAIN_MS = 500;

/** A key no Kubernetes object uses, for reads that want only the response header. */
const PROBE_KEY = Buffer.from([0]);

/**
 * The key every API server sharing an etcd uses to take turns compacting, as upstream
 * names it (outside any prefix: compaction is global to the etcd cluster).
 */
const COMPACT_REV_KEY = Buffer.from("compact_rev_key");

/**
 * The contract on etcd v3 over gRPC, the way kube-apiserver's etcd3 store uses it:
 * modRevision is the resourceVersion, writes are Txns comparing the key's mod_revision
 * (0 = absent), lists are prefix Ranges at a revision, watches are etcd watches with
 * prev_kv. etcd applies concurrent requests in any order, so writes to one key are
 * sent one after another, which keeps the contract's call order per key.
 */
export class Etcd3Storage implements Storage {
  private client: EtcdClient | undefined;
  private readonly keys: KeySpace;
  private readonly watches = new Set<EtcdWatch>();
  /** The last write per key still in flight; the next write to that key waits for it. */
  private readonly inflight = new Map<string, Promise<unknown>>();
  private progressRequestMs = 0;
  private compactor: NodeJS.Timeout | undefined;
  private lastTickRevision = 0;
  /** The version of compact_rev_key this server last saw or wrote: its turn to compact is the Txn that moves it. */
  private compactTurn = 0;
  /** The newest compacted revision seen; compaction never goes back, so reads at it tell whether it moved. */
  private knownCompacted = 0;

  constructor(
    private readonly args: Etcd3StorageArgs,
    private readonly handle: Pick<ApiServerHandle, "dataDir" | "logger">,
  ) {
    this.keys = new KeySpace(args.prefix);
  }

  async start(): Promise<void> {
    if (this.client) return;
    const file = (p: string | undefined) => loadFile(p === undefined ? undefined : resolve(this.handle.dataDir, p));
    const client = new EtcdClient({
      endpoints: this.args.endpoints,
      ca: file(this.args.caFile),
      cert: file(this.args.certFile),
      key: file(this.args.keyFile),
      dialTimeoutMs: this.args.dialTimeoutMs,
      requestTimeoutMs: this.args.requestTimeoutMs,
    });
    try {
      await client.waitReady();
      const status = await client.status();
      if (progressRequestsAreSafe(status.version)) {
        if (this.args.watchProgressIntervalMs > 0) this.progressRequestMs = this.args.watchProgressIntervalMs;
        // Only then may a consistent read wait on the watch cache (it learns the revision from progress).
        this.requestProgress = () => {
          for (const w of this.watches) w.requestProgress();
        };
      }
      this.handle.logger.info({ endpoints: client.endpoints, version: status.version, revision: status.header.revision, prefix: this.args.prefix }, "etcd3 storage connected");
    } catch (err) {
      client.close();
      throw err;
    }
    this.client = client;
    if (this.args.compactionIntervalSeconds > 0) {
      this.lastTickRevision = await this.currentRevision();
      this.compactor = setInterval(() => void this.compactOnTick(), this.args.compactionIntervalSeconds * 1000);
      this.compactor.unref();
    }
  }

  /** Waits for the writes already sent, ends every watch with `unavailable`, and closes the channels. */
  async stop(): Promise<void> {
    const client = this.client;
    if (!client) return;
    clearInterval(this.compactor);
    await Promise.allSettled([...this.inflight.values()]);
    this.client = undefined;
    // Watchers get the events of writes already answered before they hear the store stopped.
    const watches = [...this.watches];
    await Promise.all(watches.map((w) => w.caughtUp(client.seenRevision, STOP_DRAIN_MS)));
    for (const w of watches) w.fail(new StorageError("unavailable", "the etcd3 storage stopped"));
    client.close();
  }

  async currentRevision(): Promise<number> {
    return (await this.etcd().range({ key: PROBE_KEY, count_only: true })).header.revision;
  }

  /**
   * etcd tells the compacted revision only to a watch that starts before it. So: a read
   * at the last compacted revision known here that succeeds means it is still that one
   * (compaction only moves forward); otherwise a watch from 1 is canceled with it.
   */
  async compactedRevision(): Promise<number> {
    const client = this.etcd();
    try {
      await client.range({ key: PROBE_KEY, revision: Math.max(this.knownCompacted, 1), count_only: true });
      return this.knownCompacted;
    } catch (err) {
      if (!(err instanceof StorageError) || err.reason !== "compacted") throw err;
    }
    const compacted = await new Promise<number>((resolvePromise, reject) => {
      const timer = setTimeout(() => {
        w.close();
        reject(new StorageError("unavailable", `etcd at ${client.endpoints} did not report its compacted revision`));
      }, this.args.requestTimeoutMs);
      const w = new EtcdWatch("\0", 1, {
        onEvents: () => undefined,
        onError: (e) => {
          clearTimeout(timer);
          if (e.reason === "compacted") resolvePromise(e.compactedRevision!);
          else reject(e);
        },
      }, { client, keys: new KeySpace(""), log: this.handle.logger, progressRequestMs: 0, onEnd: () => undefined });
    });
    this.knownCompacted = Math.max(this.knownCompacted, compacted);
    return this.knownCompacted;
  }

  async get(key: string): Promise<KeyValue | undefined> {
    const res = await this.etcd().range({ key: this.keys.key(key) });
    return res.kvs[0] && this.kv(res.kvs[0]);
  }

  async list(prefix: string, opts: ListOptions = {}): Promise<ListResult> {
    const limit = opts.limit && opts.limit > 0 ? opts.limit : 0;
    const res = await this.withCompactedRevision(this.etcd().range({ ...this.keys.range(prefix, opts.after), limit, revision: opts.revision ?? 0 }));
    const kvs = res.kvs.map((kv) => this.kv(kv));
    const revision = opts.revision || res.header.revision;
    // With a limit, count is every key in the range, the returned ones included.
    return res.more ? { kvs, revision, more: true, remaining: res.count - kvs.length } : { kvs, revision, more: false };
  }

  async count(prefix: string): Promise<number> {
    return (await this.etcd().range({ ...this.keys.range(prefix), count_only: true })).count;
  }

  create(key: string, value: string): Promise<WriteResult> {
    return this.inOrder(key, async () => {
      const k = this.keys.key(key);
      const res = await this.etcd().txn({
        compare: [{ result: "EQUAL", target: "MOD", key: k, mod_revision: 0 }],
        success: [{ request_put: { key: k, value: Buffer.from(value, "utf8") } }],
        failure: [{ request_range: { key: k } }],
      });
      if (!res.succeeded) return this.failed(res.responses[0]?.response_range?.kvs[0], "exists");
      const rev = res.header.revision;
      return { ok: true, kv: { key, value, createRevision: rev, modRevision: rev } };
    });
  }

  update(key: string, value: string, expectedModRevision?: number): Promise<WriteResult> {
    return this.inOrder(key, async () => {
      const k = this.keys.key(key);
      const res = await this.etcd().txn({
        compare: [this.precondition(k, expectedModRevision)],
        success: [{ request_put: { key: k, value: Buffer.from(value, "utf8"), prev_kv: true } }],
        failure: [{ request_range: { key: k } }],
      });
      if (!res.succeeded) return this.failed(res.responses[0]?.response_range?.kvs[0], "conflict");
      const prev = this.kv(res.responses[0]!.response_put!.prev_kv!);
      return { ok: true, kv: { key, value, createRevision: prev.createRevision, modRevision: res.header.revision }, prev };
    });
  }

  delete(key: string, expectedModRevision?: number): Promise<WriteResult> {
    return this.inOrder(key, async () => {
      const k = this.keys.key(key);
      const del: RequestOp = { request_delete_range: { key: k, prev_kv: true } };
      const res = await this.etcd().txn({ compare: [this.precondition(k, expectedModRevision)], success: [del], failure: [{ request_range: { key: k } }] });
      if (!res.succeeded) return this.failed(res.responses[0]?.response_range?.kvs[0], "conflict");
      const prev = this.kv(res.responses[0]!.response_delete_range!.prev_kvs[0]!);
      return { ok: true, kv: { ...prev, modRevision: res.header.revision }, prev };
    });
  }

  watch(prefix: string, fromRevision: number, cb: WatchCallbacks): WatchHandle {
    const client = this.client;
    if (!client) return refused(cb, new StorageError("unavailable", "the etcd3 storage is not connected"));
    // The contract asks for events after fromRevision; etcd for the first revision wanted.
    // "From now" is the newest revision this client has seen, not the one the member has
    // when the watch arrives: a write sent after watch() returns may be applied before that.
    const w = new EtcdWatch(prefix, (fromRevision > 0 ? fromRevision : client.seenRevision) + 1, cb, {
      client,
      keys: this.keys,
      log: this.handle.logger,
      progressRequestMs: this.progressRequestMs,
      onEnd: (ended) => this.watches.delete(ended),
    });
    this.watches.add(w);
    return w;
  }

  /** Compacts up to `revision`, never past the current revision; an older target is a no-op. */
  async compact(revision: number): Promise<void> {
    const target = Math.min(revision, await this.currentRevision());
    try {
      await this.etcd().compact(target);
      this.knownCompacted = Math.max(this.knownCompacted, target);
    } catch (err) {
      if (err instanceof StorageError && err.reason === "compacted") return;
      throw err;
    }
  }

  /**
   * Set once connected when the members answer progress requests safely (see versions.ts);
   * left undefined otherwise, so the watch cache sends consistent reads to etcd instead.
   */
  requestProgress?: () => void;

  /**
   * Upstream's cadence and turn-taking: each tick compacts to the revision seen one tick
   * earlier, but only when this server's Txn moves compact_rev_key from the version it
   * last saw. Several API servers on one etcd thus compact once per interval between them,
   * not once each; one that lost the race adopts the winner's version and waits a tick.
   */
  private async compactOnTick(): Promise<void> {
    try {
      const target = this.lastTickRevision;
      const res = await this.etcd().txn({
        compare: [{ result: "EQUAL", target: "VERSION", key: COMPACT_REV_KEY, version: this.compactTurn }],
        success: [{ request_put: { key: COMPACT_REV_KEY, value: Buffer.from(String(target)) } }],
        failure: [{ request_range: { key: COMPACT_REV_KEY } }],
      });
      this.lastTickRevision = res.header.revision;
      if (!res.succeeded) {
        this.compactTurn = res.responses[0]?.response_range?.kvs[0]?.version ?? 0;
        return;
      }
      this.compactTurn += 1;
      if (target > 1) {
        await this.compact(target);
        this.handle.logger.debug({ revision: target }, "compacted");
      }
    } catch (err) {
      this.handle.logger.warn({ err }, "etcd compaction failed; the next tick tries again");
    }
  }

  /** MOD(key) == expected, or MOD(key) > 0 (the key exists) without a precondition. */
  private precondition(key: Buffer, expected: number | undefined) {
    return expected === undefined
      ? { result: "GREATER" as const, target: "MOD" as const, key, mod_revision: 0 }
      : { result: "EQUAL" as const, target: "MOD" as const, key, mod_revision: expected };
  }

  /** A failed Txn's answer from its failure Range of the key: absent is not-found, present is `present`. */
  private failed(current: EtcdKv | undefined, present: "exists" | "conflict"): WriteResult {
    return current ? { ok: false, reason: present, current: this.kv(current) } : { ok: false, reason: "not-found" };
  }

  private inOrder(key: string, write: () => Promise<WriteResult>): Promise<WriteResult> {
    const before = this.inflight.get(key);
    const run = before ? before.then(write, write) : write();
    const tail = run.catch(() => undefined);
    this.inflight.set(key, tail);
    void tail.then(() => {
      if (this.inflight.get(key) === tail) this.inflight.delete(key);
    });
    return run;
  }

  /** A compacted read names the compacted revision, as the contract asks. */
  private async withCompactedRevision<T>(read: Promise<T>): Promise<T> {
    try {
      return await read;
    } catch (err) {
      if (!(err instanceof StorageError) || err.reason !== "compacted" || err.compactedRevision !== undefined) throw err;
      const compacted = await this.compactedRevision().catch(() => undefined);
      throw new StorageError("compacted", err.message, compacted);
    }
  }

  private kv(kv: EtcdKv): KeyValue {
    return { key: this.keys.strip(kv.key), value: kv.value.toString("utf8"), createRevision: kv.create_revision, modRevision: kv.mod_revision };
  }

  private etcd(): EtcdClient {
    if (!this.client) throw new StorageError("unavailable", "the etcd3 storage is not connected");
    return this.client;
  }
}

/** A watch that fails at once, after `watch()` has returned. */
function refused(cb: WatchCallbacks, error: StorageError): WatchHandle {
  let closed = false;
  queueMicrotask(() => closed || cb.onError(error));
  return { close: () => void (closed = true) };
}
