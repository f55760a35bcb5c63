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
export function matchPodFailurePolicy(rules: readonly PodFailurePolicyRule[], pod: JobPod): { action: PodFailurePolicyRule["action"]; index: number } | undefined {
  const statuses = [...(pod.status?.initContainerStatuses ?? []), ...(pod.status?.containerStatuses ?? [])];
  for (const [index, rule] of rules.entries()) {
    if (rule.onExitCodes) {
      const r = rule.onExitCodes;
      const hit = statuses.some((s) => {
        if (r.containerName && s.name !== r.containerName) return false;
        const code = s.state?.terminated?.exitCode;
        if (code === undefined || code === 0) return false;
        return r.operator === "In" ? r.values.includes(code) : !r.values.includes(code);
      });
      if (hit) return { action: rule.action, index };
    }
    if (rule.onPodConditions?.some((pc) => pod.status?.conditions?.some((c) => c.type === pc.type && c.status === (pc.status ?? "True")))) return { action: rule.action, index };
  }
  return undefined;
}
