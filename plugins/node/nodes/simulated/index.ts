import { definePlugin } from "../../../../core/kernel/define-plugin.js";
import type { JsonSchema } from "../../../../core/kernel/json-schema.js";
import { Node, type NodeAgent, type NodeHandle } from "../../../../core/node/index.js";
import schema from "../../../../schemas/plugins/node/simulated.args.schema.json" with { type: "json" };
import type { SimulatedNodesArgs } from "../../../../schemas/generated/plugins/node/simulated.args.js";

export const simulatedNodesPlugin = definePlugin<SimulatedNodesArgs, NodeHandle, NodeAgent>({
  name: "simulated",
  serves: [Node.nodes],
  args: schema as JsonSchema,
  description: "kwok-style fake Nodes in one process: registered from a template, Leases renewed, bound pods reported Running",
  upstream: "kwok (sigs.k8s.io/kwok) node and pod stages",
  create: async (args, handle) => {
    const { SimulatedNodes } = await import("./simulated-nodes.js");
    return new SimulatedNodes(args, handle);
  },
});

export default simulatedNodesPlugin;
