import { definePlugin } from "../../../../core/kernel/define-plugin.js";
import { Scheduler, type PreEnqueuePlugin } from "../../../../core/scheduler/points.js";
import { Status } from "../../../../core/scheduler/status.js";

/** Keeps a pod out of the active queue while spec.schedulingGates is non-empty. */
export const schedulingGates: PreEnqueuePlugin = {
  preEnqueue: (pod) => {
    const gates = pod.spec.schedulingGates ?? [];
    if (gates.length === 0) return;
    return Status.unresolvable(`waiting for scheduling gates: [${gates.map((g) => g.name).join(" ")}]`);
  },
  // Gates can only be removed by updating the pod.
  events: () => [{ resource: "Pod", action: "Update" }],
};

export default definePlugin<Record<string, never>, unknown, PreEnqueuePlugin>({
  name: "SchedulingGates",
  serves: [Scheduler.preEnqueue],
  description: "Holds pods with scheduling gates until the gates are removed",
  upstream: "kube-scheduler SchedulingGates",
  create: () => schedulingGates,
});
