import { definePlugin } from "../../../../core/kernel/define-plugin.js";
import type { JsonSchema } from "../../../../core/kernel/json-schema.js";
import { Scheduler } from "../../../../core/scheduler/points.js";
import schema from "../../../../schemas/plugins/scheduler/node-resources-fit.args.schema.json" with { type: "json" };
import { NodeResourcesFit, type NodeResourcesFitArgs } from "./fit.js";

export default definePlugin<NodeResourcesFitArgs, unknown, NodeResourcesFit>({
  name: "NodeResourcesFit",
  serves: [Scheduler.preFilter, Scheduler.filter, Scheduler.score],
  args: schema as JsonSchema,
  description: "Checks the node has room for the pod's requests; scores by LeastAllocated, MostAllocated or RequestedToCapacityRatio",
  upstream: "kube-scheduler NodeResourcesFit",
  create: (args) => new NodeResourcesFit(args),
});
