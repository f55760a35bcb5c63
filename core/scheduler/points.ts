import { definePoint } from "../kernel/extension-point.js";
import type {
  BindPlugin,
  FilterPlugin,
  PermitPlugin,
  PostBindPlugin,
  PostFilterPlugin,
  PreBindPlugin,
  PreEnqueuePlugin,
  PreFilterPlugin,
  PreScorePlugin,
  QueueSortPlugin,
  ReservePlugin,
  ScorePlugin,
} from "./plugin-api.js";

/**
 * The scheduling framework's extension points, in pipeline order (KEP-624). The
 * scheduler's core calls these and names no plugin; a KubeSchedulerConfiguration's
 * `plugins.<point>` keys are these names.
 */
export const Scheduler = {
  preEnqueue: definePoint<PreEnqueuePlugin>({
    id: "scheduler.preEnqueue",
    kind: "ordered",
    description: "Gates checked before a pod enters the active or backoff queue; a failing pod waits gated",
    methods: ["preEnqueue"],
  }),
  queueSort: definePoint<QueueSortPlugin>({
    id: "scheduler.queueSort",
    kind: "single",
    description: "Orders the active queue; exactly one, the same in every profile",
    methods: ["less"],
  }),
  preFilter: definePoint<PreFilterPlugin>({
    id: "scheduler.preFilter",
    kind: "ordered",
    description: "Precomputes cycle state and may narrow the nodes to filter; any rejection ends the cycle",
    methods: ["preFilter"],
  }),
  filter: definePoint<FilterPlugin>({
    id: "scheduler.filter",
    kind: "ordered",
    description: "Rejects nodes that cannot run the pod; run over nodes in parallel until enough fit",
    methods: ["filter"],
  }),
  postFilter: definePoint<PostFilterPlugin>({
    id: "scheduler.postFilter",
    kind: "ordered",
    description: "Runs when no node fits (preemption); the first to nominate a node ends the point",
    methods: ["postFilter"],
  }),
  preScore: definePoint<PreScorePlugin>({
    id: "scheduler.preScore",
    kind: "ordered",
    description: "Precomputes scoring state over the feasible nodes; Skip disables the paired Score",
    methods: ["preScore"],
  }),
  score: definePoint<ScorePlugin>({
    id: "scheduler.score",
    kind: "ordered",
    weighted: true,
    description: "Ranks feasible nodes 0-100 per plugin (after NormalizeScore); totals are weighted sums",
    methods: ["score"],
  }),
  reserve: definePoint<ReservePlugin>({
    id: "scheduler.reserve",
    kind: "ordered",
    description: "Claims resources once the pod is assumed; Unreserve runs in reverse on any later failure",
    methods: ["reserve", "unreserve"],
  }),
  permit: definePoint<PermitPlugin>({
    id: "scheduler.permit",
    kind: "ordered",
    description: "Allows, rejects or holds (Wait, with a timeout) a pod before its binding cycle",
    methods: ["permit"],
  }),
  preBind: definePoint<PreBindPlugin>({
    id: "scheduler.preBind",
    kind: "ordered",
    description: "Work before binding, such as provisioning volumes",
    methods: ["preBind"],
  }),
  bind: definePoint<BindPlugin>({
    id: "scheduler.bind",
    kind: "ordered",
    description: "Binds the pod to its node; tried in order until one does not Skip",
    methods: ["bind"],
  }),
  postBind: definePoint<PostBindPlugin>({
    id: "scheduler.postBind",
    kind: "ordered",
    description: "Informational, after a successful bind",
    methods: ["postBind"],
  }),
} as const;

export type SchedulerPointName = keyof typeof Scheduler;
