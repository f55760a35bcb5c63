import { rfc3339 } from "../../../../core/client/index.js";

export interface NamespaceCondition {
  type: string;
  status: "True" | "False";
  reason: string;
  message: string;
  lastTransitionTime?: string;
}

/** What one pass of content deletion found, in the terms the conditions report. */
export interface DeletionOutcome {
  /** group-version → why its discovery document failed. */
  discoveryFailures: Record<string, string>;
  /** Errors deleting or listing, one line each. */
  contentFailures: string[];
  /** `pods.` / `deployments.apps` → instances still there. */
  remainingByResource: Record<string, number>;
  /** finalizer → instances still held by it. */
  remainingByFinalizer: Record<string, number>;
}

const summary = (counts: Record<string, number>) =>
  Object.entries(counts)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([k, n]) => `${k} has ${n} resource instances`)
    .join(", ");

/** Upstream's five namespace deletion conditions, worded as upstream words them. */
export function deletionConditions(o: DeletionOutcome): NamespaceCondition[] {
  const failedGroups = Object.keys(o.discoveryFailures).sort();
  const finalizerSummary = Object.entries(o.remainingByFinalizer)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([f, n]) => `${f} in ${n} resource instances`)
    .join(", ");
  return [
    failedGroups.length
      ? { type: "NamespaceDeletionDiscoveryFailure", status: "True", reason: "DiscoveryFailed", message: `Discovery failed for some groups, ${failedGroups.length} failing: ${failedGroups.map((g) => `${g}: ${o.discoveryFailures[g]}`).join(", ")}` }
      : { type: "NamespaceDeletionDiscoveryFailure", status: "False", reason: "ResourcesDiscovered", message: "All resources successfully discovered" },
    { type: "NamespaceDeletionGroupVersionParsingFailure", status: "False", reason: "ParsedGroupVersions", message: "All legacy kube types successfully parsed" },
    o.contentFailures.length
      ? { type: "NamespaceDeletionContentFailure", status: "True", reason: "ContentDeletionFailed", message: `Failed to delete all resource types, ${o.contentFailures.length} remaining: ${o.contentFailures.join(", ")}` }
      : { type: "NamespaceDeletionContentFailure", status: "False", reason: "ContentDeleted", message: "All content successfully deleted, may be waiting on finalization" },
    Object.keys(o.remainingByResource).length
      ? { type: "NamespaceContentRemaining", status: "True", reason: "SomeResourcesRemain", message: `Some resources are remaining: ${summary(o.remainingByResource)}` }
      : { type: "NamespaceContentRemaining", status: "False", reason: "ContentRemoved", message: "All content successfully removed" },
    finalizerSummary
      ? { type: "NamespaceFinalizersRemaining", status: "True", reason: "SomeFinalizersRemain", message: `Some content in the namespace has finalizers remaining: ${finalizerSummary}` }
      : { type: "NamespaceFinalizersRemaining", status: "False", reason: "ContentHasNoFinalizers", message: "All content-preserving finalizers finished" },
  ];
}

/** New conditions over old ones: a condition whose status did not change keeps its transition time. */
export function mergeConditions(old: NamespaceCondition[] | undefined, next: NamespaceCondition[], now: number): NamespaceCondition[] {
  return next.map((c) => {
    const prev = old?.find((o) => o.type === c.type);
    return { ...c, lastTransitionTime: prev && prev.status === c.status && prev.lastTransitionTime ? prev.lastTransitionTime : rfc3339(now) };
  });
}

export function sameConditions(a: NamespaceCondition[] | undefined, b: NamespaceCondition[]): boolean {
  if (!a || a.length !== b.length) return false;
  return b.every((c) => a.some((o) => o.type === c.type && o.status === c.status && o.reason === c.reason && o.message === c.message));
}
