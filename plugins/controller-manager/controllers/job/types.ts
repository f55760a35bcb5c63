import type { KubeObject } from "../../../../core/client/index.js";
import type { Condition, PodLike } from "../../../../core/controller-manager/index.js";
import type { PodFailurePolicyRule } from "./pod-failure-policy.js";

export interface ContainerStatus {
  name: string;
  state?: { terminated?: { exitCode: number } };
}

export interface JobPod extends PodLike {
  status?: PodLike["status"] & { containerStatuses?: ContainerStatus[]; initContainerStatuses?: ContainerStatus[] };
}

export interface JobSpec {
  parallelism?: number;
  completions?: number | null;
  completionMode?: "NonIndexed" | "Indexed";
  backoffLimit?: number;
  activeDeadlineSeconds?: number;
  suspend?: boolean;
  ttlSecondsAfterFinished?: number;
  podFailurePolicy?: { rules: PodFailurePolicyRule[] };
  template: { metadata?: { labels?: Record<string, string>; annotations?: Record<string, string> }; spec: { containers: { name: string; env?: { name: string; value?: string; valueFrom?: unknown }[] }[]; hostname?: string; subdomain?: string; [k: string]: unknown } };
}

export interface JobStatus {
  active?: number;
  succeeded?: number;
  failed?: number;
  ready?: number;
  terminating?: number;
  startTime?: string;
  completionTime?: string;
  completedIndexes?: string;
  conditions?: Condition[];
  uncountedTerminatedPods?: { succeeded?: string[]; failed?: string[] };
}

export interface Job extends KubeObject {
  spec: JobSpec;
  status?: JobStatus;
}

export const JOB_TRACKING_FINALIZER = "batch.kubernetes.io/job-tracking";
export const COMPLETION_INDEX = "batch.kubernetes.io/job-completion-index";

export function jobFinished(job: Job): "Complete" | "Failed" | undefined {
  const c = job.status?.conditions?.find((x) => (x.type === "Complete" || x.type === "Failed") && x.status === "True");
  return c?.type as "Complete" | "Failed" | undefined;
}

export function completionIndexOf(pod: KubeObject): number | undefined {
  const v = pod.metadata.annotations?.[COMPLETION_INDEX] ?? pod.metadata.labels?.[COMPLETION_INDEX];
  return v !== undefined && /^\d+$/.test(v) ? Number(v) : undefined;
}
