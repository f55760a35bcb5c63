/**
 * What upstream's EndpointSliceTracker is for: after this controller writes slices, its informer
 * lags a moment, and a sync against the old cache would create duplicates or undo its own
 * writes. Each write is remembered until the cache shows it; a service with unseen writes is
 * synced again later instead.
 */
export class SliceWriteTracker {
  /** service key → slice name → the resourceVersion the cache must move past (`""`: must show up; `null`: must go). */
  private readonly pending = new Map<string, Map<string, string | null>>();

  created(service: string, name: string): void {
    this.entry(service).set(name, "");
  }

  updated(service: string, name: string, previousVersion: string): void {
    this.entry(service).set(name, previousVersion);
  }

  deleted(service: string, name: string): void {
    this.entry(service).set(name, null);
  }

  /** True while the cache (`cached`: slice name → resourceVersion) lacks one of the service's writes; settled ones are forgotten. */
  isStale(service: string, cached: Map<string, string>): boolean {
    const writes = this.pending.get(service);
    if (!writes) return false;
    for (const [name, expect] of writes) {
      const have = cached.get(name);
      const seen = expect === null ? have === undefined : expect === "" ? have !== undefined : have !== undefined && have !== expect;
      if (seen) writes.delete(name);
    }
    if (!writes.size) this.pending.delete(service);
    return !!writes.size;
  }

  forget(service: string): void {
    this.pending.delete(service);
  }

  private entry(service: string): Map<string, string | null> {
    let m = this.pending.get(service);
    if (!m) this.pending.set(service, (m = new Map()));
    return m;
  }
}
