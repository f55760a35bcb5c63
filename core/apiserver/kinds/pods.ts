import { isDeepStrictEqual } from "node:util";
import { fieldForbidden, fieldInvalid, fieldNotSupported, fieldRequired, type FieldCause } from "../../api/status.js";
import type { KubeObj, Strategy } from "../registry/strategy.js";

const RESTART = ["Always", "OnFailure", "Never"];

function defaultContainer(c: any): void {
  c.terminationMessagePath ??= "/dev/termination-log";
  c.terminationMessagePolicy ??= "File";
  if (c.imagePullPolicy === undefined && typeof c.image === "string") {
    const tag = c.image.includes("@") ? "digest" : (c.image.split("/").pop()!.split(":")[1] ?? "latest");
    c.imagePullPolicy = tag === "latest" ? "Always" : "IfNotPresent";
  }
  for (const p of c.ports ?? []) p.protocol ??= "TCP";
  c.resources ??= {};
}

/** Upstream's pod spec defaults, for pods and for the templates of workloads alike. */
export function defaultPodSpec(spec: any): void {
  spec.restartPolicy ??= "Always";
  spec.terminationGracePeriodSeconds ??= 30;
  spec.dnsPolicy ??= "ClusterFirst";
  spec.schedulerName ??= "default-scheduler";
  spec.securityContext ??= {};
  if (spec.serviceAccountName === undefined && spec.serviceAccount !== undefined) spec.serviceAccountName = spec.serviceAccount;
  for (const c of [...(spec.initContainers ?? []), ...(spec.containers ?? []), ...(spec.ephemeralContainers ?? [])]) defaultContainer(c);
  spec.tolerations ??= undefined;
  if (spec.tolerations === undefined) delete spec.tolerations;
}

/**
 * What a pod gets that a workload's template does not: service links (defaulted on the
 * Pod, not the PodSpec, upstream) and the priority that upstream's Priority admission sets.
 */
function defaultPodOnly(spec: any): void {
  spec.enableServiceLinks ??= true;
  spec.preemptionPolicy ??= "PreemptLowerPriority";
  spec.priority ??= 0;
}

function qosClass(spec: any): string {
  let requests = 0;
  let guaranteed = true;
  for (const c of [...(spec.initContainers ?? []), ...(spec.containers ?? [])]) {
    const r = c.resources ?? {};
    const req = r.requests ?? {};
    const lim = r.limits ?? {};
    if (Object.keys(req).length || Object.keys(lim).length) requests++;
    for (const res of ["cpu", "memory"]) {
      if (lim[res] === undefined || (req[res] !== undefined && req[res] !== lim[res])) guaranteed = false;
    }
  }
  if (requests === 0) return "BestEffort";
  return guaranteed ? "Guaranteed" : "Burstable";
}

function validateContainers(list: any[], path: string, causes: FieldCause[]): void {
  const names = new Set<string>();
  list.forEach((c, i) => {
    const p = `${path}[${i}]`;
    if (!c?.name) causes.push(fieldRequired(`${p}.name`));
    else if (!/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(c.name) || c.name.length > 63) causes.push(fieldInvalid(`${p}.name`, c.name, "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character"));
    else if (names.has(c.name)) causes.push({ reason: "FieldValueDuplicate", field: `${p}.name`, message: `Duplicate value: ${JSON.stringify(c.name)}` });
    names.add(c?.name);
    if (!c?.image) causes.push(fieldRequired(`${p}.image`));
    (c?.ports ?? []).forEach((port: any, j: number) => {
      for (const f of ["containerPort", "hostPort"]) {
        const v = port?.[f];
        if (f === "hostPort" && !v) continue; // 0 is unset: no host port
        if (!Number.isInteger(v) || v < 1 || v > 65535) causes.push(fieldInvalid(`${p}.ports[${j}].${f}`, v ?? 0, "must be between 1 and 65535, inclusive"));
      }
    });
  });
}

function validatePod(pod: KubeObj): FieldCause[] {
  const causes: FieldCause[] = [];
  const spec = pod.spec ?? {};
  if (!Array.isArray(spec.containers) || spec.containers.length === 0) causes.push(fieldRequired("spec.containers"));
  else validateContainers(spec.containers, "spec.containers", causes);
  if (spec.initContainers) validateContainers(spec.initContainers, "spec.initContainers", causes);
  if (spec.ephemeralContainers) validateContainers(spec.ephemeralContainers, "spec.ephemeralContainers", causes);
  if (!RESTART.includes(spec.restartPolicy)) causes.push(fieldNotSupported("spec.restartPolicy", spec.restartPolicy, RESTART));
  if (spec.terminationGracePeriodSeconds !== undefined && spec.terminationGracePeriodSeconds < 0) causes.push(fieldInvalid("spec.terminationGracePeriodSeconds", spec.terminationGracePeriodSeconds, "must be greater than or equal to 0"));
  return causes;
}

/** Ephemeral containers are added, never changed or removed; their names are the pod's to share. */
function ephemeralChanges(now: any[], before: any[]): FieldCause[] {
  const causes: FieldCause[] = [];
  before.forEach((old, i) => {
    const same = now.find((c) => c?.name === old.name);
    if (!same) causes.push(fieldForbidden(`spec.ephemeralContainers[${i}]`, `existing ephemeral containers ${JSON.stringify(old.name)} may not be removed`));
    else if (!isDeepStrictEqual(same, old)) causes.push(fieldForbidden(`spec.ephemeralContainers[${i}]`, `existing ephemeral containers ${JSON.stringify(old.name)} may not be changed`));
  });
  return causes;
}

/** What an update may change in a pod spec (upstream's ValidatePodUpdate). */
function mutableView(spec: any): any {
  const s = structuredClone(spec ?? {});
  for (const c of [...(s.containers ?? []), ...(s.initContainers ?? [])]) delete c.image;
  delete s.activeDeadlineSeconds;
  delete s.tolerations;
  delete s.schedulingGates;
  delete s.terminationGracePeriodSeconds;
  return s;
}

/**
 * Pods: upstream's defaults, the Pending phase and QoS class at create, a spec that is
 * immutable but for images, deadlines, added tolerations and removed scheduling
 * gates, and graceful deletion for pods a kubelet runs.
 */
export const podStrategy: Strategy = {
  prepareForCreate(pod) {
    pod.spec ??= {};
    defaultPodSpec(pod.spec);
    defaultPodOnly(pod.spec);
    pod.status = { phase: "Pending", qosClass: qosClass(pod.spec) };
    if (pod.spec.schedulingGates?.length) pod.status.conditions = [{ type: "PodScheduled", status: "False", reason: "SchedulingGated", message: "Scheduling is blocked due to non-empty scheduling gates", lastProbeTime: null, lastTransitionTime: new Date().toISOString().replace(/\.\d{3}Z$/, "Z") }];
  },
  prepareForUpdate(pod, old) {
    pod.spec ??= {};
    defaultPodSpec(pod.spec);
    defaultPodOnly(pod.spec);
    if (pod.spec.nodeName === undefined && old.spec?.nodeName) pod.spec.nodeName = old.spec.nodeName;
  },
  validate: (pod) => validatePod(pod),
  validateUpdate(pod, old, ctx) {
    const causes = validatePod(pod);
    // Binding sets spec.nodeName and /ephemeralcontainers adds debug containers; nothing else may change either.
    const view = (spec: any) => {
      const v = mutableView(spec);
      if (ctx.subresource === "binding") v.nodeName = undefined;
      if (ctx.subresource === "ephemeralcontainers") delete v.ephemeralContainers;
      return v;
    };
    if (ctx.subresource === "ephemeralcontainers") causes.push(...ephemeralChanges(pod.spec?.ephemeralContainers ?? [], old.spec?.ephemeralContainers ?? []));
    if (!isDeepStrictEqual(view(pod.spec), view(old.spec))) {
      causes.push(fieldForbidden("spec", "pod updates may not change fields other than `spec.containers[*].image`,`spec.initContainers[*].image`,`spec.activeDeadlineSeconds`,`spec.tolerations` (only additions to existing tolerations),`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)"));
    }
    const oldGates = (old.spec?.schedulingGates ?? []).map((g: any) => g.name);
    const added = (pod.spec?.schedulingGates ?? []).filter((g: any) => !oldGates.includes(g.name));
    if (added.length) causes.push(fieldForbidden("spec.schedulingGates", "only deletion is allowed, but found new scheduling gate"));
    return causes;
  },
  gracefulDelete(pod, { gracePeriodSeconds }) {
    // Unscheduled pods, and pods already past running, go at once.
    const grace = gracePeriodSeconds ?? pod.spec?.terminationGracePeriodSeconds ?? 30;
    const phase = pod.status?.phase;
    if (!pod.spec?.nodeName || grace <= 0 || phase === "Succeeded" || phase === "Failed") return undefined;
    if (pod.metadata.deletionTimestamp) {
      // A second delete may only shorten the grace period.
      if (grace < (pod.metadata.deletionGracePeriodSeconds ?? Infinity)) pod.metadata.deletionGracePeriodSeconds = grace;
      return pod;
    }
    pod.metadata.deletionGracePeriodSeconds = grace;
    return pod;
  },
};
