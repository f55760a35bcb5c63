import { hostname } from "node:os";
import { DeferredTransport, EventSink, KubeClient, SharedInformerFactory, realClock, type Clock } from "../client/index.js";
import { parseDuration } from "../api/durations.js";
import type { ComponentContext } from "../kernel/component.js";
import type { NodeSettings } from "./settings.js";

/** What every node agent of one process shares: one connection, one informer cache, one event sink. */
export interface NodeServices {
  transport: DeferredTransport;
  client: KubeClient;
  informers: SharedInformerFactory;
  events: EventSink;
  clock: Clock;
}

const byComponent = new WeakMap<ComponentContext<any>, NodeServices>();

export function nodeServices(ctx: ComponentContext<NodeSettings>): NodeServices {
  let s = byComponent.get(ctx);
  if (!s) {
    const transport = new DeferredTransport("the node agent");
    const client = new KubeClient(transport);
    const min = parseDuration(ctx.settings.minResyncPeriod);
    s = {
      transport,
      client,
      informers: new SharedInformerFactory(client, { defaultResyncMs: Math.round(min * (1 + Math.random())), logger: ctx.logger }),
      events: new EventSink({ client, reportingController: "kubelet", reportingInstance: hostname(), logger: ctx.logger }),
      clock: realClock,
    };
    byComponent.set(ctx, s);
  }
  return s;
}
