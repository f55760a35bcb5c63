import { definePlugin } from "../../../../core/kernel/define-plugin.js";
import { Scheduler, type BindPlugin, type SchedulerHandle } from "../../../../core/scheduler/index.js";

export default definePlugin<Record<string, never>, SchedulerHandle, BindPlugin>({
  name: "DefaultBinder",
  serves: [Scheduler.bind],
  description: "Binds the pod by creating its pods/binding subresource",
  upstream: "pkg/scheduler/framework/plugins/defaultbinder",
  create: async (_args, handle) => {
    const { DefaultBinder } = await import("./default-binder.js");
    return new DefaultBinder(handle);
  },
});
