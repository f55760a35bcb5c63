import { Status, type ClusterEventWithHint, type EnqueueExtensions, type Pod, type PreEnqueuePlugin } from "../../../../core/scheduler/index.js";

export class SchedulingGates implements PreEnqueuePlugin, EnqueueExtensions {
  preEnqueue(pod: Pod): Status {
    const gates = pod.spec.schedulingGates ?? [];
    if (!gates.length) return Status.success();
    return Status.unresolvable(`waiting for scheduling gates: [${gates.map((g) => g.name).join(" ")}]`);
  }

  eventsToRegister(): readonly ClusterEventWithHint[] {
    return [
      {
        event: { resource: "Pod", actions: ["UpdatePodSchedulingGatesEliminated"] },
        hint: (pod, _old, newObj) => ((newObj as Pod | undefined)?.metadata.uid === pod.metadata.uid && !(newObj as Pod).spec.schedulingGates?.length ? "Queue" : "QueueSkip"),
      },
    ];
  }
}
