import { controllerRefTo } from "../../../../core/controller-manager/index.js";
import { COMPLETION_INDEX, JOB_TRACKING_FINALIZER, type Job, type JobPod } from "./types.js";

/**
 * A pod for `job` as upstream's job controller makes it: the template, owned by the Job, held by
 * the job-tracking finalizer until counted; an Indexed Job's pod also carries its completion
 * index (annotation, label, JOB_COMPLETION_INDEX) and the hostname `<job>-<index>`.
 */
export function podForJob(job: Job, index: number | undefined): JobPod {
  const tpl = job.spec.template;
  const name = job.metadata.name!;
  const labels: Record<string, string> = {
    ...tpl.metadata?.labels,
    "batch.kubernetes.io/controller-uid": job.metadata.uid!,
    "controller-uid": job.metadata.uid!,
    "batch.kubernetes.io/job-name": name,
    "job-name": name,
  };
  const annotations: Record<string, string> = { ...tpl.metadata?.annotations };
  const spec = structuredClone(tpl.spec);
  if (index !== undefined) {
    labels[COMPLETION_INDEX] = String(index);
    annotations[COMPLETION_INDEX] = String(index);
    spec.hostname ??= `${name}-${index}`;
    for (const c of spec.containers) {
      if (c.env?.some((e) => e.name === "JOB_COMPLETION_INDEX")) continue;
      c.env = [...(c.env ?? []), { name: "JOB_COMPLETION_INDEX", valueFrom: { fieldRef: { fieldPath: `metadata.labels['${COMPLETION_INDEX}']` } } }];
    }
  }
  return {
    apiVersion: "v1",
    kind: "Pod",
    metadata: {
      generateName: index !== undefined ? `${name}-${index}-` : `${name}-`,
      namespace: job.metadata.namespace!,
      labels,
      ...(Object.keys(annotations).length ? { annotations } : {}),
      ownerReferences: [controllerRefTo(job, "batch/v1", "Job")],
      finalizers: [JOB_TRACKING_FINALIZER],
    },
    spec,
  };
}
