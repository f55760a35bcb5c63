import { definePlugin } from "../../../../core/kernel/define-plugin.js";
import type { JsonSchema } from "../../../../core/kernel/json-schema.js";
import { ControllerManager, type Controller, type ControllerManagerHandle } from "../../../../core/controller-manager/index.js";
import schema from "../../../../schemas/plugins/controller-manager/garbagecollector.args.schema.json" with { type: "json" };
import type { GarbageCollectorControllerArgs } from "../../../../schemas/generated/plugins/controller-manager/garbagecollector.args.js";

export const garbageCollectorPlugin = definePlugin<Required<GarbageCollectorControllerArgs>, ControllerManagerHandle, Controller>({
  name: "garbagecollector",
  serves: [ControllerManager.controllers],
  args: schema as JsonSchema,
  description: "Deletes objects whose owners are gone; carries out foreground and orphan deletion",
  upstream: "kube-controller-manager garbage-collector-controller (pkg/controller/garbagecollector)",
  create: async (args, handle) => {
    const { GarbageCollector } = await import("./garbage-collector.js");
    return new GarbageCollector(args, handle);
  },
});

export default garbageCollectorPlugin;
