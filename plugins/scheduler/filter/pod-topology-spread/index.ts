import { definePlugin } from "../../../../core/kernel/define-plugin.js";
import type { JsonSchema } from "../../../../core/kernel/json-schema.js";
import { Scheduler } from "../../../../core/scheduler/points.js";
import schema from "../../../../schemas/plugins/scheduler/pod-topology-spread.args.schema.json" with { type: "json" };
import { PodTopologySpread, type PodTopologySpreadArgs } from "./spread.js";

export default definePlugin<PodTopologySpreadArgs, unknown, PodTopologySpread>({
  name: "PodTopologySpread",
  serves: [Scheduler.preFilter, Scheduler.filter, Scheduler.preScore, Scheduler.score],
  args: schema as JsonSchema,
  description: "Spreads matching pods over topology domains: hard constraints filter, soft ones score",
  upstream: "kube-scheduler PodTopologySpread",
  create: (args) => new PodTopologySpread(args),
});
