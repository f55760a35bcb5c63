import { definePlugin } from "../../../../core/kernel/define-plugin.js";
import { Scheduler, type EnqueueExtensions, type PreFilterPlugin, type SchedulerHandle } from "../../../../core/scheduler/index.js";

export default definePlugin<Record<string, never>, SchedulerHandle, PreFilterPlugin & EnqueueExtensions>({
  name: "VolumeBinding",
  serves: [Scheduler.preFilter],
  description: "Basic volume binding: the pod's claims must exist, not be deleting, and be bound",
  upstream: "pkg/scheduler/framework/plugins/volumebinding (claim checks only)",
  create: async (_args, handle) => {
    const { VolumeBinding } = await import("./volume-binding.js");
    return new VolumeBinding(handle);
  },
});
