import * as grpc from "@grpc/grpc-js";
import type { Logger } from "../../../../core/kernel/logging.js";
import { StorageError, type KeyValue, type WatchCallbacks, type WatchEvent, type WatchHandle } from "../../../../core/apiserver/storage.js";
import { toStorageError, type EtcdClient, type EtcdKv, type WatchResponse, type WatchStream } from "./etcd-client.js";
import type { KeySpace } from "./keys.js";

const RETRY_FIRST_MS = 200;
const RETRY_MAX_MS = 5000;

export interface WatchOptions {
  client: EtcdClient;
  keys: KeySpace;
  log: Logger;
  /** Ask for a progress notification this often (0 = never); only for members whose progress answers are safe. */
  progressRequestMs: number;
  onEnd(w: EtcdWatch): void;
}

/**
 * One contract watch as one etcd watch stream, with prev_kv and progress_notify. The
 * newest revision delivered is remembered, so a stream that breaks (member down,
 * connection lost) is opened again from the revision after it, on the next member;
 * etcd's compaction of that revision ends the watch with `compacted`.
 */
export class EtcdWatch implements WatchHandle {
  private stream: WatchStream | undefined;
  /** Events and progress up to this revision have been delivered; a new stream starts after it. */
  private delivered: number;
  private ended = false;
  /** The client closed it: nothing more is delivered. */
  private closed = false;
  private retryMs = RETRY_FIRST_MS;
  private retryTimer: NodeJS.Timeout | undefined;
  private progressTimer: NodeJS.Timeout | undefined;
  /** A delivery chain, so callbacks never run inside `watch()` and keep revision order. */
  private queue: Promise<void> = Promise.resolve();

  /** `startRevision` is etcd's: the first revision wanted (≥ 1). */
  constructor(
    private readonly prefix: string,
    startRevision: number,
    private readonly cb: WatchCallbacks,
    private readonly opts: WatchOptions,
  ) {
    this.delivered = startRevision - 1;
    this.open();
  }

  close(): void {
    this.closed = true;
    this.end();
  }

  /** Asks etcd to report this stream's revision now (a consistent read from the cache is waiting). */
  requestProgress(): void {
    this.stream?.write({ progress_request: {} });
  }

  /** Resolves once everything up to `revision` was delivered, or after `ms`, whichever comes first. */
  async caughtUp(revision: number, ms: number): Promise<void> {
    const until = Date.now() + ms;
    while (!this.ended && this.delivered < revision && Date.now() < until) await new Promise((r) => setTimeout(r, 5));
    await this.queue;
  }

  /** Ends the watch with `error` (after what is already queued). */
  fail(error: StorageError): void {
    if (this.ended) return;
    this.end();
    this.deliver(() => this.cb.onError(error));
  }

  private end(): void {
    this.ended = true;
    clearTimeout(this.retryTimer);
    clearInterval(this.progressTimer);
    const s = this.stream;
    this.stream = undefined;
    s?.cancel();
    this.opts.onEnd(this);
  }

  private open(): void {
    const { key, range_end } = this.opts.keys.range(this.prefix);
    const member = this.opts.client.currentIndex;
    const stream = this.opts.client.watchStream();
    this.stream = stream;
    stream.on("data", (res: WatchResponse) => {
      if (this.stream === stream) this.receive(res);
    });
    stream.on("error", (err: grpc.ServiceError) => {
      if (this.stream !== stream || this.ended) return;
      this.stream = undefined;
      clearInterval(this.progressTimer);
      if (err.code === grpc.status.UNAVAILABLE) this.opts.client.failover(member);
      const e = toStorageError(err, this.opts.client.endpoints);
      if (e.reason !== "unavailable") return this.fail(e);
      this.opts.log.warn({ prefix: this.prefix, revision: this.delivered, retryMs: this.retryMs, err: e.message }, "etcd watch broke; resuming");
      this.retryTimer = setTimeout(() => this.open(), this.retryMs);
      this.retryMs = Math.min(this.retryMs * 2, RETRY_MAX_MS);
    });
    stream.on("end", () => {
      if (this.stream === stream && !this.ended) stream.emit("error", Object.assign(new Error("the watch stream ended"), { code: grpc.status.UNAVAILABLE, details: "the watch stream ended" }));
    });
    stream.write({
      create_request: { key, range_end, start_revision: this.delivered + 1, progress_notify: true, prev_kv: true },
    });
  }

  private receive(res: WatchResponse): void {
    if (res.created) {
      this.retryMs = RETRY_FIRST_MS;
      if (this.opts.progressRequestMs > 0) {
        clearInterval(this.progressTimer);
        this.progressTimer = setInterval(() => this.stream?.write({ progress_request: {} }), this.opts.progressRequestMs);
        this.progressTimer.unref();
      }
    }
    if (res.canceled) {
      if (res.compact_revision > 0) {
        const asked = this.delivered + 1;
        return this.fail(new StorageError("compacted", `required revision ${asked} has been compacted (compacted revision ${res.compact_revision})`, res.compact_revision));
      }
      return this.fail(new StorageError("internal", `etcd canceled the watch on ${this.prefix}: ${res.cancel_reason || "no reason given"}`));
    }
    if (res.events.length) {
      const events: WatchEvent[] = [];
      for (const ev of res.events) {
        if (ev.kv.mod_revision <= this.delivered) continue;
        events.push(this.event(ev.type, ev.kv, ev.prev_kv));
        this.delivered = ev.kv.mod_revision;
      }
      if (events.length) this.deliver(() => this.cb.onEvents(events));
    } else if (!res.created && res.header.revision > this.delivered) {
      const revision = res.header.revision;
      this.delivered = revision;
      if (this.cb.onProgress) this.deliver(() => this.cb.onProgress!(revision));
    }
  }

  private event(type: "PUT" | "DELETE", kv: EtcdKv, prev: EtcdKv | null): WatchEvent {
    const prevKv = prev ? this.kv(prev) : undefined;
    if (type === "PUT") return prevKv ? { type: "put", kv: this.kv(kv), prev: prevKv } : { type: "put", kv: this.kv(kv) };
    // etcd's deletion carries only the key; the contract's carries the last value (prev_kv, unless compacted away).
    const last: KeyValue = { key: this.opts.keys.strip(kv.key), value: prevKv?.value ?? "", createRevision: prevKv?.createRevision ?? 0, modRevision: kv.mod_revision };
    return prevKv ? { type: "delete", kv: last, prev: prevKv } : { type: "delete", kv: last };
  }

  private kv(kv: EtcdKv): KeyValue {
    return { key: this.opts.keys.strip(kv.key), value: kv.value.toString("utf8"), createRevision: kv.create_revision, modRevision: kv.mod_revision };
  }

  private deliver(call: () => void): void {
    this.queue = this.queue.then(() => {
      if (this.closed) return;
      try {
        call();
      } catch (err) {
        this.opts.log.error({ err, prefix: this.prefix }, "a storage watch callback threw; delivery goes on");
      }
    });
  }
}
