import { definePlugin } from "../../../../core/kernel/define-plugin.js";
import { Scheduler, type EnqueueExtensions, type FilterPlugin, type PreFilterPlugin, type SchedulerHandle } from "../../../../core/scheduler/index.js";

export default definePlugin<Record<string, never>, SchedulerHandle, PreFilterPlugin & FilterPlugin & EnqueueExtensions>({
  name: "VolumeRestrictions",
  serves: [Scheduler.preFilter, Scheduler.filter],
  description: "Rejects nodes where a pod's volume conflicts with one already mounted, and ReadWriteOncePod claims in use",
  upstream: "pkg/scheduler/framework/plugins/volumerestrictions",
  create: async (_args, handle) => {
    const { VolumeRestrictions } = await import("./volume-restrictions.js");
    return new VolumeRestrictions(handle);
  },
});
