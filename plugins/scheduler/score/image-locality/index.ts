import { definePlugin } from "../../../../core/kernel/define-plugin.js";
import { Scheduler } from "../../../../core/scheduler/points.js";
import { ImageLocality } from "./locality.js";

export default definePlugin<Record<string, never>, unknown, ImageLocality>({
  name: "ImageLocality",
  serves: [Scheduler.score, Scheduler.preScore],
  description: "Prefers nodes that already hold the pod's container images, weighted by how widely each image is spread",
  upstream: "kube-scheduler ImageLocality",
  create: () => new ImageLocality(),
});
