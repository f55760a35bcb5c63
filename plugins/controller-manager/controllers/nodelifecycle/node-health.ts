import { rfc3339, type KubeObject } from "../../../../core/client/index.js";
import type { Taint } from "./taints.js";

export interface NodeCondition {
  type: string;
  status: string;
  lastHeartbeatTime?: string;
  lastTransitionTime?: string;
  reason?: string;
  message?: string;
}

export interface Node extends KubeObject {
  spec?: { taints?: Taint[]; unschedulable?: boolean };
  status?: { conditions?: NodeCondition[] };
}

export interface LeaseObject extends KubeObject {
  spec?: { renewTime?: string; holderIdentity?: string };
}

/**
 * What upstream's nodeHealthData keeps per node: when this controller last saw the kubelet alive
 * (by its own clock, never the kubelet's), and the heartbeat and lease renewal it saw then.
 */
export interface HealthRecord {
  probeMs: number;
  heartbeat: string | undefined;
  leaseRenew: string | undefined;
}

/** The conditions the kubelet owns and this controller marks Unknown when it goes silent. */
const KUBELET_CONDITIONS = ["Ready", "MemoryPressure", "DiskPressure", "PIDPressure"];

export const readyCondition = (node: Node): NodeCondition | undefined => node.status?.conditions?.find((c) => c.type === "Ready");

/**
 * One look at a node (upstream's tryUpdateNodeHealth): a changed Ready heartbeat or a renewed
 * Lease counts as a sign of life; past the grace period since the last one — the startup grace
 * for a node that never posted Ready — the kubelet's conditions become Unknown. Answers the new
 * record and, when they changed, the conditions to write.
 */
export function observeHealth(
  node: Node,
  lease: LeaseObject | undefined,
  prev: HealthRecord | undefined,
  nowMs: number,
  grace: { monitorMs: number; startupMs: number },
): { record: HealthRecord; conditions?: NodeCondition[] } {
  const ready = readyCondition(node);
  const heartbeat = ready?.lastHeartbeatTime;
  const leaseRenew = lease?.spec?.renewTime;
  let probeMs = prev?.probeMs ?? nowMs;
  if (prev && (heartbeat !== prev.heartbeat || (leaseRenew && leaseRenew !== prev.leaseRenew))) probeMs = nowMs;
  const record = { probeMs, heartbeat, leaseRenew };
  const graceMs = ready ? grace.monitorMs : grace.startupMs;
  if (nowMs <= probeMs + graceMs) return { record };

  const now = rfc3339(nowMs);
  let changed = false;
  const conditions = [...(node.status?.conditions ?? [])];
  for (const type of KUBELET_CONDITIONS) {
    const i = conditions.findIndex((c) => c.type === type);
    if (i < 0) {
      conditions.push({ type, status: "Unknown", reason: "NodeStatusNeverUpdated", message: "Kubelet never posted node status.", lastHeartbeatTime: node.metadata.creationTimestamp ?? now, lastTransitionTime: now });
      changed = true;
    } else if (conditions[i]!.status !== "Unknown") {
      conditions[i] = { ...conditions[i]!, status: "Unknown", reason: "NodeStatusUnknown", message: "Kubelet stopped posting node status.", lastTransitionTime: now };
      changed = true;
    }
  }
  return changed ? { record, conditions } : { record };
}
