import { DeferredTransport, KubeClient, SharedInformerFactory } from "../client/index.js";
import type { ComponentContext } from "../kernel/component.js";

export interface AddonServices {
  transport: DeferredTransport;
  client: KubeClient;
  informers: SharedInformerFactory;
}

const byComponent = new WeakMap<ComponentContext<any>, AddonServices>();

/** One connection and one informer cache for every add-on of this component instance. */
export function addonServices(ctx: ComponentContext<any>): AddonServices {
  let s = byComponent.get(ctx);
  if (!s) {
    const transport = new DeferredTransport("the add-ons");
    const client = new KubeClient(transport);
    s = { transport, client, informers: new SharedInformerFactory(client, { logger: ctx.logger }) };
    byComponent.set(ctx, s);
  }
  return s;
}
