/** Data a plugin stores in one cycle; cloned for preemption's what-if runs. */
export interface StateData {
  clone(): StateData;
}

/** The per-cycle key/value store plugins write in PreFilter/PreScore and read in Filter/Score. */
export class CycleState {
  private readonly data = new Map<string, StateData>();
  /** PreFilter/PreScore plugins that returned Skip; their Filter/Score is not run. */
  readonly skipFilter = new Set<string>();
  readonly skipScore = new Set<string>();

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
    const copy = new CycleState();
    for (const [k, v] of this.data) copy.data.set(k, v.clone());
    for (const s of this.skipFilter) copy.skipFilter.add(s);
    for (const s of this.skipScore) copy.skipScore.add(s);
    return copy;
  }
}
