/** Upstream's zone states: how much of a zone is not ready decides how fast it is tainted. */
export type ZoneState = "Initial" | "Normal" | "PartialDisruption" | "FullDisruption";

export const ZONE_LABEL = "topology.kubernetes.io/zone";
export const REGION_LABEL = "topology.kubernetes.io/region";

/** Upstream's GetZoneKey: region and zone together, for nodes labelled with either. */
export function zoneKey(labels: Record<string, string> | undefined): string {
  const region = labels?.[REGION_LABEL] ?? "";
  const zone = labels?.[ZONE_LABEL] ?? "";
  return region || zone ? `${region}:\x00:${zone}` : "";
}

export function zoneState(ready: number, notReady: number, unhealthyThreshold: number): ZoneState {
  if (ready === 0 && notReady > 0) return "FullDisruption";
  if (notReady > 2 && notReady / (ready + notReady) >= unhealthyThreshold) return "PartialDisruption";
  return "Normal";
}

/** A token bucket of burst 1, as upstream's per-zone eviction limiter; rate 0 lets nothing through. */
export class ZoneLimiter {
  private tokens = 1;
  private last: number;

  constructor(
    private rate: number,
    now: number,
  ) {
    this.last = now;
  }

  setRate(rate: number, now: number): void {
    this.refill(now);
    this.rate = rate;
  }

  tryAccept(now: number): boolean {
    this.refill(now);
    if (this.rate <= 0 || this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }

  private refill(now: number): void {
    this.tokens = Math.min(1, this.tokens + ((now - this.last) / 1000) * this.rate);
    this.last = now;
  }
}
