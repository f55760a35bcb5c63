/** A value a plugin keeps in the cycle state; cloned for preemption's what-if runs. */
export interface StateData {
  clone(): StateData;
}

/**
 * The per-cycle key/value store: written in PreFilter/PreScore, read in
 * Filter/Score, cloned wholesale when preemption simulates removing pods.
 */
export class CycleState {
  private readonly data = new Map<string, StateData>();
  /** Plugins whose PreFilter/PreScore said Skip; their Filter/Score are not run this cycle. */
  readonly skipFilter = new Set<string>();
  readonly skipScore = new Set<string>();
  /** Per-plugin timings are sampled, as upstream records them for one cycle in ten. */
  recordPluginMetrics = false;

  read<T extends StateData>(key: string): T | undefined {
    return this.data.get(key) as T | undefined;
  }
  write(key: string, value: StateData): void {
    this.data.set(key, value);
  }
  delete(key: string): void {
    this.data.delete(key);
  }
  clone(): CycleState {
    const c = new CycleState();
    for (const [k, v] of this.data) c.data.set(k, v.clone());
    for (const s of this.skipFilter) c.skipFilter.add(s);
    for (const s of this.skipScore) c.skipScore.add(s);
    c.recordPluginMetrics = this.recordPluginMetrics;
    return c;
  }
}
