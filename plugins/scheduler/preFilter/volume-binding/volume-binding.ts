import { Status, type ClusterEventWithHint, type CycleState, type EnqueueExtensions, type Pod, type PreFilterPlugin, type SchedulerHandle } from "../../../../core/scheduler/index.js";

export const ERR_REASON_UNBOUND_IMMEDIATE = "pod has unbound immediate PersistentVolumeClaims";

export class VolumeBinding implements PreFilterPlugin, EnqueueExtensions {
  constructor(private readonly handle: SchedulerHandle) {}

  preFilter(_state: CycleState, pod: Pod): Status {
    const claims = (pod.spec.volumes ?? []).map((v) => v.persistentVolumeClaim?.claimName).filter((n): n is string => !!n);
    if (!claims.length) return Status.skip();
    const ns = pod.metadata.namespace ?? "default";
    for (const name of claims) {
      const pvc = this.handle.cluster.persistentVolumeClaim(ns, name);
      if (!pvc) return Status.unresolvable(`persistentvolumeclaim "${name}" not found`);
      if (pvc.metadata.deletionTimestamp) return Status.unresolvable(`persistentvolumeclaim "${name}" is being deleted`);
      if (!pvc.spec?.volumeName) return Status.unresolvable(ERR_REASON_UNBOUND_IMMEDIATE);
    }
    return Status.success();
  }

  eventsToRegister(): readonly ClusterEventWithHint[] {
    return [{ event: { resource: "PersistentVolumeClaim", actions: ["Add", "Update"] } }, { event: { resource: "PersistentVolume", actions: ["Add", "Update"] } }];
  }
}
