import { defineComponent } from "../kernel/component.js";
import type { JsonSchema } from "../kernel/json-schema.js";
import { WorkQueue, workQueueMetrics } from "../client/index.js";
import settingsSchema from "../../schemas/components/controller-manager.settings.schema.json" with { type: "json" };
import type { ControllerManagerHandle } from "./handle.js";
import { ControllerManager } from "./points.js";
import type { ControllerManagerSettings } from "./settings.js";
import { sharedServices } from "./shared-services.js";

export const controllerManagerComponent = defineComponent<ControllerManagerSettings, ControllerManagerHandle>({
  name: "controller-manager",
  description: "Runs the controllers of the profile while it holds the kube-controller-manager Lease",
  after: ["apiserver"],
  group: "leaderElected",
  points: Object.values(ControllerManager),
  settings: settingsSchema as JsonSchema,
  handle: (base, ctx) => {
    const s = sharedServices(ctx);
    const plugin = base.metrics.labels.plugin ?? "controller";
    return {
      ...base,
      client: s.client,
      informers: s.informers,
      recorder: s.events.recorderFor(`${plugin}-controller`),
      clock: s.clock,
      newQueue: <T>(name: string) => new WorkQueue<T>({ name, clock: s.clock, metrics: workQueueMetrics(base.metrics) }),
    };
  },
  create: async (ctx) => {
    const { ControllerManagerMain } = await import("./controller-manager.js");
    return new ControllerManagerMain(ctx);
  },
});
