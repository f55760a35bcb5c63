import type { BaseHandle } from "../kernel/component.js";
import type { ClusterListers, ClusterWriter, EventSink } from "./cluster.js";
import type { Framework } from "./framework.js";
import type { FrameworkHandle, SchedulerHandle } from "./handle.js";
import type { PodInfo } from "./node-info.js";
import type { Snapshot } from "./snapshot.js";

/** Where a plugin instance learns which profile's framework it serves, once that is built. */
export interface ProfileSlot {
  framework?: Framework;
}

export interface SchedulerRuntime {
  cluster: ClusterWriter & ClusterListers & EventSink;
  snapshot: Snapshot;
  nominatedPodsForNode(nodeName: string): readonly PodInfo[];
}

/**
 * The services behind every scheduler plugin's handle. Handles are made before the
 * cluster connection and the frameworks exist (the kernel builds plugins first), so
 * they read through this object, which the scheduler fills in before it schedules.
 */
export class SchedulerServices {
  runtime?: SchedulerRuntime;
  readonly defaultSlot: ProfileSlot = {};
  private building: ProfileSlot = this.defaultSlot;

  constructor(
    readonly parallelism = 16,
    readonly now: () => number = Date.now,
  ) {}

  /** Plugins created inside `fn` belong to `slot`'s profile. */
  async forProfile<T>(slot: ProfileSlot, fn: () => Promise<T>): Promise<T> {
    const prev = this.building;
    this.building = slot;
    try {
      return await fn();
    } finally {
      this.building = prev;
    }
  }

  handle(base: BaseHandle): SchedulerHandle {
    const slot = this.building;
    const rt = (): SchedulerRuntime => {
      if (!this.runtime) throw new Error("the scheduler is not connected to a cluster yet");
      return this.runtime;
    };
    return {
      ...base,
      get cluster() {
        return rt().cluster;
      },
      get events() {
        return rt().cluster;
      },
      now: this.now,
      snapshot: () => rt().snapshot,
      framework: (): FrameworkHandle => {
        if (!slot.framework) throw new Error("the plugin's profile is not built yet");
        return slot.framework;
      },
      nominatedPodsForNode: (n) => rt().nominatedPodsForNode(n),
      parallelism: this.parallelism,
    };
  }
}
