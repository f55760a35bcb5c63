import type { Deployment, ReplicaSet } from "./types.js";

/** Upstream's deployment annotation keys, which kubectl rollout history and undo read. */
export const REVISION = "deployment.kubernetes.io/revision";
export const REVISION_HISTORY = "deployment.kubernetes.io/revision-history";
export const DESIRED_REPLICAS = "deployment.kubernetes.io/desired-replicas";
export const MAX_REPLICAS = "deployment.kubernetes.io/max-replicas";
export const POD_TEMPLATE_HASH = "pod-template-hash";

/** Deployment annotations a ReplicaSet does not inherit: they are about the Deployment itself. */
const NOT_COPIED = new Set([REVISION, REVISION_HISTORY, DESIRED_REPLICAS, MAX_REPLICAS, "kubectl.kubernetes.io/last-applied-configuration", "deprecated.deployment.rollback.to"]);

/** Upper bound of the revision-history annotation, as upstream's MaxRevHistoryLengthInChars. */
const MAX_HISTORY_CHARS = 2000;

export function revisionOf(obj: { metadata: { annotations?: Record<string, string> } }): number {
  const v = Number(obj.metadata.annotations?.[REVISION] ?? 0);
  return Number.isInteger(v) && v > 0 ? v : 0;
}

/** Upstream's SetReplicasAnnotations: what the Deployment wanted when it last sized this set. */
export function setReplicasAnnotations(rs: ReplicaSet, desired: number, max: number): boolean {
  const a = (rs.metadata.annotations ??= {});
  if (a[DESIRED_REPLICAS] === String(desired) && a[MAX_REPLICAS] === String(max)) return false;
  a[DESIRED_REPLICAS] = String(desired);
  a[MAX_REPLICAS] = String(max);
  return true;
}

export function annotatedInt(rs: ReplicaSet, key: string): number | undefined {
  const raw = rs.metadata.annotations?.[key];
  if (raw === undefined) return undefined;
  const v = Number(raw);
  return Number.isInteger(v) ? v : undefined;
}

/**
 * Upstream's SetNewReplicaSetAnnotations: the Deployment's own annotations (change-cause
 * included) and the new revision; a set brought back by a rollback keeps its earlier revisions
 * in revision-history. Answers whether anything changed.
 */
export function setNewReplicaSetAnnotations(d: Deployment, rs: ReplicaSet, newRevision: number, exists: boolean, desired: number, max: number): boolean {
  const a = (rs.metadata.annotations ??= {});
  let changed = false;
  for (const [k, v] of Object.entries(d.metadata.annotations ?? {})) {
    if (NOT_COPIED.has(k) || a[k] === v) continue;
    a[k] = v;
    changed = true;
  }
  const old = a[REVISION];
  if (!old || Number(old) < newRevision) {
    a[REVISION] = String(newRevision);
    changed = true;
    if (old) {
      const history = a[REVISION_HISTORY] ? `${a[REVISION_HISTORY]},${old}` : old;
      a[REVISION_HISTORY] = history.length > MAX_HISTORY_CHARS ? history.slice(history.indexOf(",", history.length - MAX_HISTORY_CHARS) + 1) : history;
    }
  }
  if (!exists && setReplicasAnnotations(rs, desired, max)) changed = true;
  return changed;
}
