import { defineComponent, type ComponentContext } from "../kernel/component.js";
import type { JsonSchema } from "../kernel/json-schema.js";
import settingsSchema from "../../schemas/components/scheduler.settings.schema.json" with { type: "json" };
import { kubeSchedulerConfigurationAdapter } from "./config/adapter.js";
import type { SchedulerHandle } from "./handle.js";
import { Scheduler } from "./points.js";
import { SchedulerServices } from "./services.js";
import type { SchedulerSettings } from "./settings.js";

const services = new WeakMap<object, SchedulerServices>();

/** One services object per running component, shared by its plugins' handles and its loop. */
export function schedulerServices(ctx: ComponentContext<any>): SchedulerServices {
  let s = services.get(ctx);
  if (!s) {
    const parallelism = ((ctx.config.KubeSchedulerConfiguration as { parallelism?: number } | undefined)?.parallelism) ?? 16;
    services.set(ctx, (s = new SchedulerServices(parallelism)));
  }
  return s;
}

export const schedulerComponent = defineComponent<SchedulerSettings, SchedulerHandle>({
  name: "scheduler",
  description: "Assigns pending pods to nodes through the scheduling framework's extension points",
  after: ["apiserver"],
  group: "leaderElected",
  points: Object.values(Scheduler),
  settings: settingsSchema as JsonSchema,
  configAdapters: [kubeSchedulerConfigurationAdapter],
  handle: (base, ctx) => schedulerServices(ctx).handle(base),
  create: async (ctx) => {
    const { SchedulerMain } = await import("./scheduler-main.js");
    return new SchedulerMain(ctx);
  },
});
