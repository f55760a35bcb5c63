/**
 * KubeSchedulerConfiguration v1 defaulting (upstream's default_plugins.go): one
 * multiPoint list, each plugin then serving every point it implements. This is API
 * defaulting, like a Pod's defaults; the plugins themselves live under plugins/.
 * profiles/base.yaml holds the same list expanded per point (a test keeps them equal).
 */
export const DEFAULT_MULTI_POINT: readonly { name: string; weight?: number }[] = [
  { name: "SchedulingGates" },
  { name: "PrioritySort" },
  { name: "NodeUnschedulable" },
  { name: "NodeName" },
  { name: "TaintToleration", weight: 3 },
  { name: "NodeAffinity", weight: 2 },
  { name: "NodePorts" },
  { name: "NodeResourcesFit", weight: 1 },
  { name: "VolumeRestrictions" },
  { name: "VolumeBinding" },
  { name: "PodTopologySpread", weight: 2 },
  { name: "InterPodAffinity", weight: 2 },
  { name: "DefaultPreemption" },
  { name: "NodeResourcesBalancedAllocation", weight: 1 },
  { name: "ImageLocality", weight: 1 },
  { name: "DefaultBinder" },
];

export const DEFAULT_SCHEDULER_NAME = "default-scheduler";

/** The points a KubeSchedulerConfiguration's `plugins` may name, besides multiPoint. */
export const POINT_NAMES = ["preEnqueue", "queueSort", "preFilter", "filter", "postFilter", "preScore", "score", "reserve", "permit", "preBind", "bind", "postBind"] as const;
