import type { Clock } from "../../client/index.js";

/** Upstream's ExpectationsTimeout: expectations older than this are treated as met, so a lost watch event cannot wedge a controller. */
const EXPECTATIONS_TTL_MS = 5 * 60_000;

interface Expectation {
  add: number;
  del: number;
  setAt: number;
  /** Keys of pods expected to go, so a pod seen going twice (marked, then removed) counts once. */
  deleting: Set<string>;
}

/**
 * Upstream's UIDTrackingControllerExpectations: how many creations and deletions a controller
 * still waits to see in its informers before it may act on the cache again. Without it, a sync
 * that runs before its own creations reach the cache would create them a second time.
 */
export class ControllerExpectations {
  private readonly byKey = new Map<string, Expectation>();

  constructor(private readonly clock: Clock) {}

  /** True when the controller may sync `key`: nothing pending, nothing recorded, or the record expired. */
  satisfied(key: string): boolean {
    const e = this.byKey.get(key);
    if (!e) return true;
    if (e.add <= 0 && e.del <= 0) return true;
    return this.clock.now() - e.setAt > EXPECTATIONS_TTL_MS;
  }

  expectCreations(key: string, n: number): void {
    this.byKey.set(key, { add: n, del: 0, setAt: this.clock.now(), deleting: new Set() });
  }

  expectDeletions(key: string, podKeys: string[]): void {
    this.byKey.set(key, { add: 0, del: podKeys.length, setAt: this.clock.now(), deleting: new Set(podKeys) });
  }

  creationObserved(key: string): void {
    const e = this.byKey.get(key);
    if (e) e.add--;
  }

  deletionObserved(key: string, podKey: string): void {
    const e = this.byKey.get(key);
    if (e?.deleting.delete(podKey)) e.del--;
  }

  /** Pending counts, for tests and logs. */
  pending(key: string): { add: number; del: number } | undefined {
    const e = this.byKey.get(key);
    return e && { add: e.add, del: e.del };
  }

  forget(key: string): void {
    this.byKey.delete(key);
  }
}
