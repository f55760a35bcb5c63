import { hostname } from "node:os";
import { randomUUID } from "node:crypto";
import { DeferredTransport, EventSink, KubeClient, SharedInformerFactory, realClock, type Clock } from "../client/index.js";
import type { ComponentContext } from "../kernel/component.js";
import { parseDuration } from "../api/durations.js";
import type { ControllerManagerSettings } from "./settings.js";

/** What every controller of one controller manager shares: one connection, one informer cache, one event sink. */
export interface SharedServices {
  transport: DeferredTransport;
  client: KubeClient;
  informers: SharedInformerFactory;
  events: EventSink;
  clock: Clock;
  identity: string;
}

const byComponent = new WeakMap<ComponentContext<any>, SharedServices>();

/** The services of this component instance, made on first use by the handle or the component. */
export function sharedServices(ctx: ComponentContext<ControllerManagerSettings>): SharedServices {
  let s = byComponent.get(ctx);
  if (!s) {
    const transport = new DeferredTransport("the controller manager");
    const client = new KubeClient(transport);
    const identity = ctx.settings.identity ?? `${hostname()}_${randomUUID()}`;
    const min = parseDuration(ctx.settings.minResyncPeriod);
    s = {
      transport,
      client,
      // Upstream picks one resync period for the process between the minimum and twice it.
      informers: new SharedInformerFactory(client, { defaultResyncMs: Math.round(min * (1 + Math.random())), logger: ctx.logger }),
      events: new EventSink({ client, reportingController: "kube-controller-manager", reportingInstance: `kube-controller-manager-${hostname()}`, logger: ctx.logger }),
      clock: realClock,
      identity,
    };
    byComponent.set(ctx, s);
  }
  return s;
}
