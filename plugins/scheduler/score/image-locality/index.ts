import { definePlugin } from "../../../../core/kernel/define-plugin.js";
import { Scheduler, type ScorePlugin, type SchedulerHandle } from "../../../../core/scheduler/index.js";

export default definePlugin<Record<string, never>, SchedulerHandle, ScorePlugin>({
  name: "ImageLocality",
  serves: [Scheduler.score],
  description: "Prefers nodes that already hold the pod's images, weighted by image size and how widely the image is spread",
  upstream: "pkg/scheduler/framework/plugins/imagelocality",
  create: async (_args, handle) => {
    const { ImageLocality } = await import("./image-locality.js");
    return new ImageLocality(() => handle.snapshot().numNodes());
  },
});
