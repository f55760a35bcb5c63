import type { Clock, EventRecorder, KubeClient, SharedInformerFactory } from "../client/index.js";
import type { BaseHandle } from "../kernel/component.js";

/**
 * What a node agent plugin receives besides its args: the component's client and shared
 * informers, an event recorder reporting as the agent, and logger and metrics scoped to it.
 */
export interface NodeHandle extends BaseHandle {
  /** Connected once the component starts; calls made before wait for it. */
  readonly client: KubeClient;
  /** Shared by every agent of the process; informers asked for inside `run` start at once. */
  readonly informers: SharedInformerFactory;
  readonly recorder: EventRecorder;
  readonly clock: Clock;
}
