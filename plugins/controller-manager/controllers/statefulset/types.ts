import type { KubeObject } from "../../../../core/client/index.js";
import type { PodLike } from "../../../../core/controller-manager/index.js";

export interface PodTemplate {
  metadata?: { labels?: Record<string, string>; annotations?: Record<string, string> };
  spec: { volumes?: { name: string; [k: string]: unknown }[]; hostname?: string; subdomain?: string; [k: string]: unknown };
}

export interface StatefulSet extends KubeObject {
  spec: {
    replicas?: number;
    serviceName?: string;
    selector?: { matchLabels?: Record<string, string> };
    template: PodTemplate;
    podManagementPolicy?: "OrderedReady" | "Parallel";
    updateStrategy?: { type?: "RollingUpdate" | "OnDelete"; rollingUpdate?: { partition?: number; maxUnavailable?: number | string } };
    revisionHistoryLimit?: number;
    minReadySeconds?: number;
    ordinals?: { start?: number };
    volumeClaimTemplates?: KubeObject[];
    persistentVolumeClaimRetentionPolicy?: { whenDeleted?: "Retain" | "Delete"; whenScaled?: "Retain" | "Delete" };
  };
  status?: Record<string, unknown> & { currentRevision?: string; updateRevision?: string; collisionCount?: number };
}

export interface ControllerRevision extends KubeObject {
  data: { spec: { template: PodTemplate } };
  revision: number;
}

export type SetPod = PodLike;

export const REVISION_LABEL = "controller-revision-hash";
export const POD_NAME_LABEL = "statefulset.kubernetes.io/pod-name";
export const POD_INDEX_LABEL = "apps.kubernetes.io/pod-index";

/** The ordinal in a pod's name `<set>-<ordinal>`, or undefined if the name is not the set's. */
export function ordinalOf(set: StatefulSet, pod: KubeObject): number | undefined {
  const prefix = `${set.metadata.name}-`;
  const name = pod.metadata.name ?? "";
  if (!name.startsWith(prefix) || !/^\d+$/.test(name.slice(prefix.length))) return undefined;
  return Number(name.slice(prefix.length));
}
