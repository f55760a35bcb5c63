import { rfc3339 } from "../../../../core/client/index.js";
import { readyCondition, type Node } from "./node-health.js";
import { CONDITION_TAINTS, NOT_READY, UNREACHABLE, UNSCHEDULABLE, ownedBy, type Taint } from "./taints.js";

/** The NoExecute taint a node's Ready condition calls for, if any. */
export function noExecuteKey(node: Node): string | undefined {
  const status = readyCondition(node)?.status;
  return status === "False" ? NOT_READY : status === "Unknown" ? UNREACHABLE : undefined;
}

/**
 * The node's taints with this controller's part brought up to date: the NoSchedule taints its
 * conditions (and spec.unschedulable) call for, and `noExecute` as the one not-ready or
 * unreachable NoExecute taint (none when undefined). Taints of others are left as they are; a
 * taint already in place keeps its timeAdded.
 */
export function withControllerTaints(node: Node, noExecute: string | undefined, nowMs: number): Taint[] {
  const current = node.spec?.taints ?? [];
  const wanted: Taint[] = [];
  for (const c of node.status?.conditions ?? []) {
    const key = CONDITION_TAINTS[c.type]?.[c.status];
    if (key) wanted.push({ key, effect: "NoSchedule" });
  }
  if (node.spec?.unschedulable) wanted.push({ key: UNSCHEDULABLE, effect: "NoSchedule" });
  if (noExecute) wanted.push({ key: noExecute, effect: "NoExecute" });
  const kept = current.filter((t) => !ownedBy(t) || wanted.some((w) => w.key === t.key && w.effect === t.effect));
  for (const w of wanted) {
    if (!kept.some((t) => t.key === w.key && t.effect === w.effect)) kept.push({ ...w, timeAdded: rfc3339(nowMs) });
  }
  return kept;
}

export function sameTaints(a: Taint[], b: Taint[]): boolean {
  const key = (t: Taint) => `${t.key}=${t.value ?? ""}:${t.effect}`;
  return a.length === b.length && a.every((t) => b.some((u) => key(u) === key(t)));
}
