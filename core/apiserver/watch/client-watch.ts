import type { Logger } from "../../kernel/logging.js";
import type { CacheEvent, ObjectWithMeta } from "./cache-event.js";

export type WatchEventType = "ADDED" | "MODIFIED" | "DELETED";

/** The 410 a client gets when it must list again (upstream's `Expired` Status). */
export interface ExpiredError {
  code: 410;
  reason: "Expired";
  message: string;
}

export interface ClientWatchCallbacks {
  onEvent(type: WatchEventType, object: ObjectWithMeta): void;
  /** The caller turns it into a BOOKMARK event. */
  onBookmark(revision: number): void;
  /** The watch cannot continue; no more calls follow. */
  onError(err: ExpiredError | Error): void;
  /**
   * The cache ended the watch cleanly (it was stopped); no more calls follow.
   * Optional: without it the caller gets `onError` with a plain Error instead, so
   * it still learns the stream is over.
   */
  onClose?(): void;
}

/** Namespace, label and field selectors, built by the caller. */
export interface WatchFilter {
  (object: ObjectWithMeta): boolean;
}

export function expired(message: string): ExpiredError {
  return { code: 410, reason: "Expired", message };
}

/**
 * The client event a cache event becomes for one filter. Matching is checked on the
 * old and the new state: leaving the selector is a DELETED (carrying the new state),
 * entering it an ADDED, staying in it a MODIFIED, and staying out nothing.
 */
export function clientEventFor(ev: CacheEvent, filter: WatchFilter): [WatchEventType, ObjectWithMeta] | undefined {
  const before = ev.prev !== undefined && filter(ev.prev);
  if (ev.type === "delete") return before ? ["DELETED", ev.object] : undefined;
  const after = filter(ev.object);
  if (before && after) return ["MODIFIED", ev.object];
  if (after) return ["ADDED", ev.object];
  if (before) return ["DELETED", ev.object];
  return undefined;
}

/**
 * One client's watch on the cache. Callbacks are synchronous and the HTTP layer
 * buffers, so a slow client costs only memory; a callback that throws ends that
 * client's watch alone, never the fan-out to the others.
 */
export class ClientWatch {
  closed = false;
  /** The newest revision this client has been brought up to; older events are skipped, so none arrives twice. */
  position: number;

  constructor(
    readonly filter: WatchFilter,
    private readonly cb: ClientWatchCallbacks,
    position: number,
    private readonly detach: (w: ClientWatch) => void,
    private readonly log: Logger,
  ) {
    this.position = position;
  }

  deliver(ev: CacheEvent): void {
    if (this.closed || ev.revision <= this.position) return;
    this.position = ev.revision;
    this.guard(() => {
      const out = clientEventFor(ev, this.filter);
      if (out) this.cb.onEvent(out[0], out[1]);
    });
  }

  /** A synthetic ADDED for the initial state, when the object passes the filter. */
  initial(object: ObjectWithMeta): void {
    if (this.closed) return;
    this.guard(() => {
      if (this.filter(object)) this.cb.onEvent("ADDED", object);
    });
  }

  bookmark(revision: number): void {
    if (this.closed || revision < this.position) return;
    this.position = revision;
    this.guard(() => this.cb.onBookmark(revision));
  }

  /** Ends the watch with an error the client sees. */
  fail(err: ExpiredError | Error): void {
    if (this.closed) return;
    this.close();
    try {
      this.cb.onError(err);
    } catch (e) {
      this.log.warn({ err: e }, "watch client's onError threw");
    }
  }

  /** Ends the watch without an error (the cache is stopping). */
  end(): void {
    if (this.closed) return;
    if (!this.cb.onClose) return this.fail(new Error("the watch cache was stopped"));
    this.close();
    try {
      this.cb.onClose();
    } catch (e) {
      this.log.warn({ err: e }, "watch client's onClose threw");
    }
  }

  /** The client hung up: no more calls. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.detach(this);
  }

  private guard(fn: () => void): void {
    try {
      fn();
    } catch (err) {
      this.log.warn({ err }, "watch client callback threw; ending that watch");
      this.fail(err instanceof Error ? err : new Error(String(err)));
    }
  }
}
