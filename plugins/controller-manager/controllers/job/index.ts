import { definePlugin } from "../../../../core/kernel/define-plugin.js";
import type { JsonSchema } from "../../../../core/kernel/json-schema.js";
import { ControllerManager, type Controller, type ControllerManagerHandle } from "../../../../core/controller-manager/index.js";
import schema from "../../../../schemas/plugins/controller-manager/job.args.schema.json" with { type: "json" };
import type { JobControllerOptions } from "./job-controller.js";

export const jobPlugin = definePlugin<JobControllerOptions, ControllerManagerHandle, Controller>({
  name: "job",
  serves: [ControllerManager.controllers],
  args: schema as JsonSchema,
  description: "Runs a Job's pods to completion and tracks them with the job-tracking finalizer",
  upstream: "kube-controller-manager job-controller (pkg/controller/job/job_controller.go)",
  create: async (args, handle) => {
    const { JobController } = await import("./job-controller.js");
    return new JobController(args, handle);
  },
});

export default jobPlugin;
