import type { Pod, PodCondition } from "../pod.js";
export type { Pod, PodCondition } from "../pod.js";
import type { KubeObject } from "../../client/index.js";

/** Pods that still count towards a controller's replicas: not finished and not being deleted. */
export function isPodActive(pod: Pod): boolean {
  const phase = pod.status?.phase;
  return phase !== "Succeeded" && phase !== "Failed" && !pod.metadata.deletionTimestamp;
}

function readyCondition(pod: Pod): PodCondition | undefined {
  return pod.status?.conditions?.find((c) => c.type === "Ready");
}

export function isPodReady(pod: Pod): boolean {
  return readyCondition(pod)?.status === "True";
}

/** When the pod became ready (ms), if it is. */
export function podReadySince(pod: Pod): number | undefined {
  const c = readyCondition(pod);
  if (c?.status !== "True" || !c.lastTransitionTime) return undefined;
  return Date.parse(c.lastTransitionTime);
}

/** Ready for at least `minReadySeconds` at `now`: upstream's IsPodAvailable. */
export function isPodAvailable(pod: Pod, minReadySeconds: number, now: number): boolean {
  if (!isPodReady(pod)) return false;
  if (minReadySeconds <= 0) return true;
  const since = podReadySince(pod);
  return since !== undefined && since + minReadySeconds * 1000 <= now;
}

const phaseRank: Record<string, number> = { Pending: 0, Unknown: 1, Running: 2 };
const DELETION_COST = "controller.kubernetes.io/pod-deletion-cost";

/**
 * Upstream's logarithmic scale-down: ages compare by the power of two of their nanoseconds, so
 * pods of about the same age count as equal and are then taken in uid order (randomly, in
 * effect) rather than always the very newest. Unknown times come first.
 */
function ageOrder(aMs: number | undefined, bMs: number | undefined, now: number, a: Pod, b: Pod): number {
  if (aMs === undefined || bMs === undefined) return (aMs === undefined ? 0 : 1) - (bMs === undefined ? 0 : 1);
  const rank = (t: number) => (now > t ? Math.floor(Math.log2((now - t) * 1e6)) : -1);
  const diff = rank(aMs) - rank(bMs);
  if (diff !== 0) return diff;
  const ua = a.metadata.uid ?? "";
  const ub = b.metadata.uid ?? "";
  return ua < ub ? -1 : ua > ub ? 1 : 0;
}

const restarts = (pod: Pod) => (pod.status?.containerStatuses ?? []).reduce((n, c) => n + (c.restartCount ?? 0), 0);
const deletionCost = (pod: Pod) => Number(pod.metadata.annotations?.[DELETION_COST] ?? 0) || 0;

/**
 * Orders pods so that the ones best deleted first come first, as upstream's ActivePodsWithRanks:
 * unscheduled before scheduled; Pending, Unknown, then Running; not ready before ready; lower
 * pod-deletion-cost first; more pods of the same owner family on its node (`rank`) first;
 * ready more recently first; more container restarts first; created more recently first.
 */
export function deletionOrder(now: number, rank: (pod: Pod) => number = () => 0): (a: Pod, b: Pod) => number {
  return (a, b) => {
    const aNode = a.spec?.nodeName ? 1 : 0;
    const bNode = b.spec?.nodeName ? 1 : 0;
    if (aNode !== bNode) return aNode - bNode;
    const aPhase = phaseRank[a.status?.phase ?? "Pending"] ?? 0;
    const bPhase = phaseRank[b.status?.phase ?? "Pending"] ?? 0;
    if (aPhase !== bPhase) return aPhase - bPhase;
    const aReady = isPodReady(a) ? 1 : 0;
    const bReady = isPodReady(b) ? 1 : 0;
    if (aReady !== bReady) return aReady - bReady;
    if (deletionCost(a) !== deletionCost(b)) return deletionCost(a) - deletionCost(b);
    if (rank(a) !== rank(b)) return rank(b) - rank(a);
    const ra = podReadySince(a);
    const rb = podReadySince(b);
    if (aReady && bReady && ra !== rb) return ageOrder(ra, rb, now, a, b);
    if (restarts(a) !== restarts(b)) return restarts(b) - restarts(a);
    const ca = a.metadata.creationTimestamp ? Date.parse(a.metadata.creationTimestamp) : undefined;
    const cb = b.metadata.creationTimestamp ? Date.parse(b.metadata.creationTimestamp) : undefined;
    return ca !== cb ? ageOrder(ca, cb, now, a, b) : 0;
  };
}
