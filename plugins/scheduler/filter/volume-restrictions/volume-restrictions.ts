import { Status, type ClusterEventWithHint, type CycleState, type EnqueueExtensions, type FilterPlugin, type NodeInfo, type Pod, type PreFilterPlugin, type SchedulerHandle, type Volume } from "../../../../core/scheduler/index.js";

export const ERR_REASON_DISK_CONFLICT = "node(s) had no available disk";
export const ERR_REASON_RWOP = "node has pod using PersistentVolumeClaim with the same name and ReadWriteOncePod access mode";

/** upstream's isVolumeConflict: the same GCE PD / EBS / RBD / iSCSI volume, unless both mount it read-only (GCE PD, iSCSI, RBD). */
function conflicts(a: Volume, b: Volume): boolean {
  if (a.gcePersistentDisk && b.gcePersistentDisk) return a.gcePersistentDisk.pdName === b.gcePersistentDisk.pdName && !(a.gcePersistentDisk.readOnly && b.gcePersistentDisk.readOnly);
  if (a.awsElasticBlockStore && b.awsElasticBlockStore) return a.awsElasticBlockStore.volumeID === b.awsElasticBlockStore.volumeID;
  if (a.iscsi && b.iscsi) return a.iscsi.iqn === b.iscsi.iqn && !(a.iscsi.readOnly && b.iscsi.readOnly);
  if (a.rbd && b.rbd) {
    const sameMon = a.rbd.monitors.some((m) => b.rbd!.monitors.includes(m));
    return sameMon && a.rbd.image === b.rbd.image && (a.rbd.pool ?? "rbd") === (b.rbd.pool ?? "rbd") && !(a.rbd.readOnly && b.rbd.readOnly);
  }
  return false;
}

const hasConflictable = (v: Volume) => !!(v.gcePersistentDisk || v.awsElasticBlockStore || v.iscsi || v.rbd);

export class VolumeRestrictions implements PreFilterPlugin, FilterPlugin, EnqueueExtensions {
  constructor(private readonly handle: SchedulerHandle) {}

  /** Skips pods with no conflict-prone volume and no ReadWriteOncePod claim. */
  preFilter(_state: CycleState, pod: Pod, nodes: readonly NodeInfo[]): Status {
    const volumes = pod.spec.volumes ?? [];
    const rwop = this.rwopClaims(pod);
    if (!volumes.some(hasConflictable) && !rwop.length) return Status.skip();
    const ns = pod.metadata.namespace ?? "default";
    for (const ni of nodes) {
      for (const pi of ni.pods) {
        if ((pi.pod.metadata.namespace ?? "default") !== ns) continue;
        for (const v of pi.pod.spec.volumes ?? []) if (v.persistentVolumeClaim && rwop.includes(v.persistentVolumeClaim.claimName)) return Status.unresolvable(ERR_REASON_RWOP);
      }
    }
    return Status.success();
  }

  filter(_state: CycleState, pod: Pod, nodeInfo: NodeInfo): Status {
    const mine = (pod.spec.volumes ?? []).filter(hasConflictable);
    if (!mine.length) return Status.success();
    for (const pi of nodeInfo.pods) {
      for (const theirs of pi.pod.spec.volumes ?? []) if (mine.some((v) => conflicts(v, theirs))) return Status.unschedulable(ERR_REASON_DISK_CONFLICT);
    }
    return Status.success();
  }

  private rwopClaims(pod: Pod): string[] {
    const ns = pod.metadata.namespace ?? "default";
    return (pod.spec.volumes ?? [])
      .map((v) => v.persistentVolumeClaim?.claimName)
      .filter((n): n is string => !!n && !!this.handle.cluster.persistentVolumeClaim(ns, n)?.spec?.accessModes?.includes("ReadWriteOncePod"));
  }

  eventsToRegister(): readonly ClusterEventWithHint[] {
    return [{ event: { resource: "AssignedPod", actions: ["Delete"] } }, { event: { resource: "Node", actions: ["Add"] } }, { event: { resource: "PersistentVolumeClaim", actions: ["Add", "Update"] } }];
  }
}
