import { definePlugin } from "../../../../core/kernel/define-plugin.js";
import type { JsonSchema } from "../../../../core/kernel/json-schema.js";
import { ControllerManager, type Controller, type ControllerManagerHandle } from "../../../../core/controller-manager/index.js";
import schema from "../../../../schemas/plugins/controller-manager/nodeipam.args.schema.json" with { type: "json" };
import type { NodeIpamControllerArgs } from "./nodeipam-controller.js";

export const nodeIpamPlugin = definePlugin<NodeIpamControllerArgs, ControllerManagerHandle, Controller>({
  name: "nodeipam",
  serves: [ControllerManager.controllers],
  args: schema as JsonSchema,
  description: "Allocates each node its pod CIDRs (spec.podCIDR, spec.podCIDRs) from the cluster CIDR",
  upstream: "kube-controller-manager node-ipam-controller with the RangeAllocator (pkg/controller/nodeipam/ipam/range_allocator.go)",
  create: async (args, handle) => {
    const { NodeIpamController } = await import("./nodeipam-controller.js");
    return new NodeIpamController(args, handle);
  },
});

export default nodeIpamPlugin;
