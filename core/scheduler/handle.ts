import type { Logger } from "pino";
import type { Snapshot } from "./cache.js";
import type { Pod } from "./types.js";
import type { WaitingPods } from "./waiting-pods.js";

/** The API calls scheduler plugins may make (the binder's pods/binding, preemption's deletes). */
export interface SchedulerClient {
  bind(pod: Pod, nodeName: string): Promise<void>;
  deletePod(pod: Pod, opts?: { gracePeriodSeconds?: number }): Promise<void>;
  setNominatedNodeName(pod: Pod, nodeName: string | undefined): Promise<void>;
}

/** What every scheduler plugin receives, as upstream's framework.Handle. */
export interface SchedulerHandle {
  readonly client: SchedulerClient;
  /** The snapshot of the cycle in progress. */
  snapshot(): Snapshot;
  readonly waitingPods: WaitingPods;
  readonly logger: Logger;
}
