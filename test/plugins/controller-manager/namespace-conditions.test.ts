import { describe, expect, it } from "vitest";
import { deletionConditions, mergeConditions, sameConditions } from "../../../plugins/controller-manager/controllers/namespace/conditions.js";

const clean = { discoveryFailures: {}, contentFailures: [], remainingByResource: {}, remainingByFinalizer: {} };

describe("namespace deletion conditions", () => {
  it("all five False with upstream's reasons when everything went", () => {
    expect(deletionConditions(clean).map((c) => [c.type, c.status, c.reason])).toEqual([
      ["NamespaceDeletionDiscoveryFailure", "False", "ResourcesDiscovered"],
      ["NamespaceDeletionGroupVersionParsingFailure", "False", "ParsedGroupVersions"],
      ["NamespaceDeletionContentFailure", "False", "ContentDeleted"],
      ["NamespaceContentRemaining", "False", "ContentRemoved"],
      ["NamespaceFinalizersRemaining", "False", "ContentHasNoFinalizers"],
    ]);
  });

  it("names remaining resources and finalizers in upstream's words, sorted", () => {
    const c = deletionConditions({
      ...clean,
      discoveryFailures: { "metrics.k8s.io/v1beta1": "503" },
      remainingByResource: { "pods.": 2, "deployments.apps": 1 },
      remainingByFinalizer: { "example.com/b": 1, "example.com/a": 2 },
    });
    expect(c.find((x) => x.type === "NamespaceDeletionDiscoveryFailure")).toMatchObject({ status: "True", reason: "DiscoveryFailed", message: "Discovery failed for some groups, 1 failing: metrics.k8s.io/v1beta1: 503" });
    expect(c.find((x) => x.type === "NamespaceContentRemaining")?.message).toBe("Some resources are remaining: deployments.apps has 1 resource instances, pods. has 2 resource instances");
    expect(c.find((x) => x.type === "NamespaceFinalizersRemaining")?.message).toBe("Some content in the namespace has finalizers remaining: example.com/a in 2 resource instances, example.com/b in 1 resource instances");
  });

  it("keeps a condition's transition time while its status holds", () => {
    const first = mergeConditions(undefined, deletionConditions({ ...clean, remainingByResource: { "pods.": 1 } }), Date.parse("2026-01-01T00:00:00Z"));
    const second = mergeConditions(first, deletionConditions(clean), Date.parse("2026-01-01T00:01:00Z"));
    const at = (list: typeof first, type: string) => list.find((c) => c.type === type)?.lastTransitionTime;
    expect(at(second, "NamespaceContentRemaining")).toBe("2026-01-01T00:01:00Z");
    expect(at(second, "NamespaceDeletionDiscoveryFailure")).toBe("2026-01-01T00:00:00Z");
    expect(sameConditions(first, second)).toBe(false);
    expect(sameConditions(second, mergeConditions(second, deletionConditions(clean), Date.now()))).toBe(true);
  });
});
