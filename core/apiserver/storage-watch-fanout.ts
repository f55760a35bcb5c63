import type { Logger } from "../kernel/logging.js";
import type { StorageError, WatchCallbacks, WatchEvent, WatchHandle } from "./storage.js";

// Shared by storage plugins, which may not import each other: core is their common ground.

type Delivery = { events: WatchEvent[] } | { progress: number } | { error: StorageError };

/**
 * One watch: its prefix, the newest revision already queued for it, and a mailbox
 * drained in a microtask, so callbacks never run inside a write or inside `watch()`
 * and always arrive in revision order, each event exactly once.
 */
class Watch implements WatchHandle {
  private mailbox: Delivery[] = [];
  private scheduled = false;
  /** No more input is accepted (failed or closed). */
  private ended = false;
  /** The client closed it: nothing more is delivered. */
  private closed = false;

  constructor(
    readonly prefix: string,
    private sent: number,
    private readonly cb: WatchCallbacks,
    private readonly fanout: WatchFanout,
  ) {}

  /** Queues the events under this prefix that are newer than what the watch already has. */
  offer(events: readonly WatchEvent[]): void {
    if (this.ended) return;
    let mine: WatchEvent[] | undefined;
    for (const ev of events) {
      if (ev.kv.modRevision <= this.sent || !ev.kv.key.startsWith(this.prefix)) continue;
      (mine ??= []).push(ev);
      this.sent = ev.kv.modRevision;
    }
    if (mine) this.post({ events: mine });
  }

  /** Tells a quiet watch that the store has reached `revision` with nothing for it. */
  progress(revision: number): void {
    if (this.ended || revision <= this.sent) return;
    this.sent = revision;
    if (this.cb.onProgress) this.post({ progress: revision });
  }

  /** Ends the watch: what is queued is delivered, then the error, then nothing. */
  fail(error: StorageError): void {
    if (this.ended) return;
    this.ended = true;
    this.fanout.remove(this);
    this.post({ error });
  }

  close(): void {
    this.ended = this.closed = true;
    this.mailbox = [];
    this.fanout.remove(this);
  }

  private post(d: Delivery): void {
    const last = this.mailbox[this.mailbox.length - 1];
    if (last && "events" in last && "events" in d) for (const ev of d.events) last.events.push(ev);
    else this.mailbox.push(d);
    if (!this.scheduled) {
      this.scheduled = true;
      queueMicrotask(() => this.drain());
    }
  }

  private drain(): void {
    this.scheduled = false;
    const items = this.mailbox;
    this.mailbox = [];
    for (const d of items) {
      if (this.closed) return;
      try {
        if ("events" in d) this.cb.onEvents(d.events);
        else if ("progress" in d) this.cb.onProgress?.(d.progress);
        else {
          this.closed = true;
          this.cb.onError(d.error);
        }
      } catch (err) {
        this.fanout.log.error({ err, prefix: this.prefix }, "a storage watch callback threw; delivery goes on");
      }
    }
  }
}

/** Every open watch of a single-writer store; the store publishes each commit's events here. */
export class WatchFanout {
  private readonly watches = new Set<Watch>();
  private timer: NodeJS.Timeout | undefined;

  constructor(readonly log: Logger) {}

  /** A live watch that takes events with revisions above `after`; the caller may offer it history first. */
  open(prefix: string, after: number, cb: WatchCallbacks): Watch {
    const w = new Watch(prefix, after, cb, this);
    this.watches.add(w);
    return w;
  }

  /** A watch that fails at once (compacted, stopped); it never joins the fan-out. */
  refuse(cb: WatchCallbacks, error: StorageError): WatchHandle {
    const w = new Watch("", Infinity, cb, this);
    w.fail(error);
    return w;
  }

  publish(events: readonly WatchEvent[]): void {
    if (events.length) for (const w of this.watches) w.offer(events);
  }

  /** Reports `revision` to every watch now (a requested progress notification). */
  progressNow(revision: number): void {
    for (const w of this.watches) w.progress(revision);
  }

  /** Reports the store's revision to quiet watches every `ms` (0 = never), like etcd's progress notifications. */
  reportProgressEvery(ms: number, revision: () => number): void {
    clearInterval(this.timer);
    if (ms <= 0) return;
    this.timer = setInterval(() => {
      const rev = revision();
      for (const w of this.watches) w.progress(rev);
    }, ms);
    this.timer.unref();
  }

  /** Stops progress reports and ends every watch with `error`. */
  end(error: StorageError): void {
    clearInterval(this.timer);
    this.timer = undefined;
    for (const w of [...this.watches]) w.fail(error);
  }

  remove(w: Watch): void {
    this.watches.delete(w);
  }

  get size(): number {
    return this.watches.size;
  }
}
