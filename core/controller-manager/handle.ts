import type { EventRecorder, KubeClient, SharedInformerFactory, WorkQueue, Clock } from "../client/index.js";
import type { BaseHandle } from "../kernel/component.js";

/**
 * What a controller plugin receives besides its args, as upstream's ControllerContext: the
 * component's client and shared informers, an event recorder reporting as the plugin, and
 * logger and metrics scoped to it (from BaseHandle).
 */
export interface ControllerManagerHandle extends BaseHandle {
  /** Connected once the component starts; calls made before wait for it. */
  readonly client: KubeClient;
  /** Shared by every controller; informers asked for inside `run` start at once. */
  readonly informers: SharedInformerFactory;
  readonly recorder: EventRecorder;
  readonly clock: Clock;
  /** A rate-limited work queue whose `workqueue_*` metrics carry `name`. */
  newQueue<T = string>(name: string): WorkQueue<T>;
}
