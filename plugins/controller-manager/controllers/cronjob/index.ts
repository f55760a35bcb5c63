import { definePlugin } from "../../../../core/kernel/define-plugin.js";
import type { JsonSchema } from "../../../../core/kernel/json-schema.js";
import { ControllerManager, type Controller, type ControllerManagerHandle } from "../../../../core/controller-manager/index.js";
import schema from "../../../../schemas/plugins/controller-manager/cronjob.args.schema.json" with { type: "json" };
import type { CronJobControllerOptions } from "./cronjob-controller.js";

export const cronJobPlugin = definePlugin<CronJobControllerOptions, ControllerManagerHandle, Controller>({
  name: "cronjob",
  serves: [ControllerManager.controllers],
  args: schema as JsonSchema,
  description: "Makes Jobs on a cron schedule and keeps their history",
  upstream: "kube-controller-manager cronjob-controller (pkg/controller/cronjob/cronjob_controllerv2.go)",
  create: async (args, handle) => {
    const { CronJobController } = await import("./cronjob-controller.js");
    return new CronJobController(args, handle);
  },
});

export default cronJobPlugin;
