import type { KubeClient, SharedInformerFactory } from "../client/index.js";
import type { BaseHandle } from "../kernel/component.js";

/** What an add-on plugin receives: the component's client and shared informers. */
export interface AddonsHandle extends BaseHandle {
  /** Connected once the component starts; calls made before wait for it. */
  readonly client: KubeClient;
  /** Started by the component after its add-ons have asked for theirs. */
  readonly informers: SharedInformerFactory;
}
