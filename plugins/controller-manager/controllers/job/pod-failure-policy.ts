import type { JobPod } from "./types.js";

export interface PodFailurePolicyRule {
  action: "FailJob" | "FailIndex" | "Ignore" | "Count";
  onExitCodes?: { containerName?: string; operator: "In" | "NotIn"; values: number[] };
  onPodConditions?: { type: string; status?: string }[];
}

/**
 * The action of the first rule a failed pod matches (upstream's matchPodFailurePolicy), or
 * undefined for none, which counts the failure. Exit codes of 0 never match a NotIn rule, as
 * upstream ignores containers that succeeded.
 */
export function matchPodFailurePolicy(rules: readonly PodFailurePolicyRule[], pod: JobPod): { action: PodFailurePolicyRule["action"]; index: number; message: string } | undefined {
  const podName = `${pod.metadata.namespace}/${pod.metadata.name}`;
  const statuses = [...(pod.status?.initContainerStatuses ?? []), ...(pod.status?.containerStatuses ?? [])];
  for (const [index, rule] of rules.entries()) {
    if (rule.onExitCodes) {
      const r = rule.onExitCodes;
      const hit = statuses.find((s) => {
        if (r.containerName && s.name !== r.containerName) return false;
        const code = s.state?.terminated?.exitCode;
        if (code === undefined || code === 0) return false;
        return r.operator === "In" ? r.values.includes(code) : !r.values.includes(code);
      });
      if (hit) return { action: rule.action, index, message: `Container ${hit.name} for pod ${podName} failed with exit code ${hit.state!.terminated!.exitCode} matching ${rule.action} rule at index ${index}` };
    }
    const cond = rule.onPodConditions?.find((pc) => pod.status?.conditions?.some((c) => c.type === pc.type && c.status === (pc.status ?? "True")));
    if (cond) return { action: rule.action, index, message: `Pod ${podName} has condition ${cond.type} matching ${rule.action} rule at index ${index}` };
  }
  return undefined;
}
