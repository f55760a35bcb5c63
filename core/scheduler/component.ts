import { defineComponent, type ComponentContext } from "../kernel/component.js";
import { ErrorCodes, KitbashError } from "../kernel/errors.js";
import { kubeSchedulerConfigurationAdapter } from "./config/adapter.js";
import type { SchedulerHandle } from "./handle.js";
import { Scheduler } from "./points.js";
import { SchedulerServices } from "./services.js";

const services = new WeakMap<object, SchedulerServices>();

/** One services object per running component, shared by its plugins' handles and its loop. */
export function schedulerServices(ctx: ComponentContext): SchedulerServices {
  let s = services.get(ctx);
  if (!s) {
    const parallelism = ((ctx.config.KubeSchedulerConfiguration as { parallelism?: number } | undefined)?.parallelism) ?? 16;
    services.set(ctx, (s = new SchedulerServices(parallelism)));
  }
  return s;
}

export const schedulerComponent = defineComponent<Record<string, never>, SchedulerHandle>({
  name: "scheduler",
  description: "Assigns pending pods to nodes through the scheduling framework's extension points",
  after: ["apiserver"],
  group: "leaderElected",
  points: Object.values(Scheduler),
  configAdapters: [kubeSchedulerConfigurationAdapter],
  handle: (base, ctx) => schedulerServices(ctx).handle(base),
  create: () => {
    throw new KitbashError(ErrorCodes.LIFECYCLE, "the scheduler cannot run yet: it needs the API client (informers, pods/binding, events, leader election), which this build does not carry", {
      hint: "profiles validate and resolve; run the scheduler in memory through core/scheduler's MemoryCluster",
    });
  },
});
