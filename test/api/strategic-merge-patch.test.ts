import { describe, expect, it } from "vitest";
import { applyStrategicMergePatch } from "../../core/api/strategic-merge-patch.js";

const POD = "io.k8s.api.core.v1.Pod";
const DEPLOY = "io.k8s.api.apps.v1.Deployment";
const pod = (containers: unknown[], extra: Record<string, unknown> = {}) => ({ metadata: { name: "p" }, spec: { containers, ...extra } });

describe("strategic merge patch", () => {
  const cases: { name: string; def?: string; original: unknown; patch: unknown; want: unknown }[] = [
    {
      name: "merges containers by name and keeps the others",
      original: pod([{ name: "a", image: "a:1" }, { name: "b", image: "b:1" }]),
      patch: { spec: { containers: [{ name: "b", image: "b:2" }] } },
      want: pod([{ name: "a", image: "a:1" }, { name: "b", image: "b:2" }]),
    },
    {
      name: "appends a container with a new name",
      original: pod([{ name: "a", image: "a:1" }]),
      patch: { spec: { containers: [{ name: "c", image: "c:1" }] } },
      want: pod([{ name: "a", image: "a:1" }, { name: "c", image: "c:1" }]),
    },
    {
      name: "deletes a list item with $patch: delete",
      original: pod([{ name: "a", image: "a:1" }, { name: "b", image: "b:1" }]),
      patch: { spec: { containers: [{ name: "a", $patch: "delete" }] } },
      want: pod([{ name: "b", image: "b:1" }]),
    },
    {
      name: "replaces a whole list with a $patch: replace item",
      original: pod([{ name: "a", image: "a:1" }, { name: "b", image: "b:1" }]),
      patch: { spec: { containers: [{ $patch: "replace" }, { name: "z", image: "z:1" }] } },
      want: pod([{ name: "z", image: "z:1" }]),
    },
    {
      name: "replaces lists without a strategy (args) and deletes with null",
      original: pod([{ name: "a", image: "a:1", args: ["x", "y"], workingDir: "/w" }]),
      patch: { spec: { containers: [{ name: "a", args: ["z"], workingDir: null }] } },
      want: pod([{ name: "a", image: "a:1", args: ["z"] }]),
    },
    {
      name: "merges env by name inside a merged container",
      original: pod([{ name: "a", image: "a:1", env: [{ name: "X", value: "1" }, { name: "Y", value: "2" }] }]),
      patch: { spec: { containers: [{ name: "a", env: [{ name: "Y", value: "3" }] }] } },
      want: pod([{ name: "a", image: "a:1", env: [{ name: "X", value: "1" }, { name: "Y", value: "3" }] }]),
    },
    {
      name: "orders a list with $setElementOrder",
      original: pod([{ name: "a", image: "a:1" }, { name: "b", image: "b:1" }]),
      patch: { spec: { "$setElementOrder/containers": [{ name: "b" }, { name: "a" }], containers: [{ name: "a", image: "a:2" }] } },
      want: pod([{ name: "b", image: "b:1" }, { name: "a", image: "a:2" }]),
    },
    {
      name: "treats finalizers as a set and removes with $deleteFromPrimitiveList",
      original: { metadata: { name: "p", finalizers: ["a", "b"] } },
      patch: { metadata: { finalizers: ["b", "c"], "$deleteFromPrimitiveList/finalizers": ["a"] } },
      want: { metadata: { name: "p", finalizers: ["b", "c"] } },
    },
    {
      name: "keeps only $retainKeys of a union (deployment strategy)",
      def: DEPLOY,
      original: { spec: { strategy: { type: "RollingUpdate", rollingUpdate: { maxSurge: 1 } } } },
      patch: { spec: { strategy: { $retainKeys: ["type"], type: "Recreate" } } },
      want: { spec: { strategy: { type: "Recreate" } } },
    },
    {
      name: "merges labels and deletes one with null",
      original: { metadata: { name: "p", labels: { a: "1", b: "2" } } },
      patch: { metadata: { labels: { b: null, c: "3" } } },
      want: { metadata: { name: "p", labels: { a: "1", c: "3" } } },
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      expect(applyStrategicMergePatch(c.original, c.patch, c.def ?? POD)).toEqual(c.want);
    });
  }

  it("leaves the original untouched", () => {
    const original = pod([{ name: "a", image: "a:1" }]);
    const copy = structuredClone(original);
    applyStrategicMergePatch(original, { spec: { containers: [{ name: "a", image: "a:2" }] } }, POD);
    expect(original).toEqual(copy);
  });
});
