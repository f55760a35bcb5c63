import type { Pod } from "./api-types.js";
import type { WaitingPod } from "./handle.js";
import { Status } from "./status.js";

/** Permit's hold on a pod: resolved when every holding plugin allows, on the first reject, or at a timeout. */
export class WaitingPodImpl implements WaitingPod {
  private readonly pending = new Map<string, NodeJS.Timeout>();
  private settle!: (s: Status) => void;
  readonly done: Promise<Status>;

  constructor(
    readonly pod: Pod,
    readonly nodeName: string,
    timeouts: Map<string, number>,
  ) {
    this.done = new Promise((resolve) => (this.settle = resolve));
    for (const [plugin, ms] of timeouts) {
      this.pending.set(
        plugin,
        setTimeout(() => this.reject(plugin, `rejected due to timeout after waiting ${ms / 1000}s at plugin ${plugin}`), ms),
      );
    }
  }

  pendingPlugins(): string[] {
    return [...this.pending.keys()];
  }

  allow(plugin: string): void {
    const t = this.pending.get(plugin);
    if (!t) return;
    clearTimeout(t);
    this.pending.delete(plugin);
    if (!this.pending.size) this.settle(Status.success());
  }

  reject(plugin: string, message: string): void {
    for (const t of this.pending.values()) clearTimeout(t);
    this.pending.clear();
    this.settle(Status.unschedulable(message).withPlugin(plugin));
  }
}
