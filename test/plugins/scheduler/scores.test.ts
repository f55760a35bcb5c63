import { describe, expect, it } from "vitest";
import { Code, type Node, type NodeScore, type Pod, type PreScorePlugin, type ScorePlugin, type Status } from "../../../core/scheduler/index.js";
import { Snapshot } from "../../../core/scheduler/snapshot.js";
import { createPlugin, fakeSchedulerHandle, makeNode, makePod, newState, nodeInfos } from "../../support/scheduler.js";

/** PreScore, Score on every node and NormalizeScore, as the framework runs one plugin. */
async function scores(plugin: string, pod: Pod, nodes: Node[], existing: Pod[] = [], args: Record<string, unknown> = {}): Promise<Record<string, number>> {
  const infos = nodeInfos(nodes, existing);
  const p = await createPlugin<ScorePlugin & Partial<PreScorePlugin>>(plugin, args, fakeSchedulerHandle(Snapshot.of(infos)));
  const state = newState();
  const pre = p.preScore?.(state, pod, infos) as Status | undefined;
  if (pre?.code === Code.Skip) return Object.fromEntries(infos.map((i) => [i.name, 0]));
  const list: NodeScore[] = infos.map((ni) => ({ name: ni.name, score: p.score(state, pod, ni) as number }));
  p.normalizeScore?.(state, pod, list);
  return Object.fromEntries(list.map((s) => [s.name, s.score]));
}

describe("NodeResourcesFit scoring strategies", () => {
  // Upstream's classic case: node1 4000m/10000 bytes, node2 6000m/10000 bytes; pod 3000m/5000 bytes.
  const nodes = [makeNode("n1").capacity({ cpu: "4000m", memory: 10000 }).obj(), makeNode("n2").capacity({ cpu: "6000m", memory: 10000 }).obj()];
  const pod = makePod("p").req({ cpu: "3000m", memory: 5000 }).obj();
  it.each([
    ["LeastAllocated", { type: "LeastAllocated" }, { n1: 37, n2: 50 }],
    ["MostAllocated", { type: "MostAllocated" }, { n1: 62, n2: 50 }],
    ["RequestedToCapacityRatio (bin packing shape)", { type: "RequestedToCapacityRatio", requestedToCapacityRatio: { shape: [{ utilization: 0, score: 0 }, { utilization: 100, score: 10 }] } }, { n1: 62, n2: 50 }],
  ])("%s", async (_n, scoringStrategy, want) => {
    expect(await scores("NodeResourcesFit", pod, nodes, [], { scoringStrategy: { resources: [{ name: "cpu", weight: 1 }, { name: "memory", weight: 1 }], ...scoringStrategy } })).toEqual(want);
  });

  it("weights resources: cpu 3 to memory 1", async () => {
    // n1: cpu 25, memory 50 → (25*3+50)/4 = 31.
    expect((await scores("NodeResourcesFit", pod, nodes, [], { scoringStrategy: { type: "LeastAllocated", resources: [{ name: "cpu", weight: 3 }, { name: "memory", weight: 1 }] } })).n1).toBe(31);
  });

  it("counts upstream's non-zero defaults for a pod without requests", async () => {
    const n = [makeNode("n").capacity({ cpu: "1000m", memory: 1024 * 1024 * 1024 }).obj()];
    // cpu (1000-100)/1000 = 90; memory (1024-200)/1024 Mi = 80 → 85.
    expect(await scores("NodeResourcesFit", makePod("p").obj(), n)).toEqual({ n: 85 });
  });
});

describe("NodeResourcesBalancedAllocation", () => {
  it("scores (1 - std of requested fractions) * 100", async () => {
    const nodes = [makeNode("n1").capacity({ cpu: "4000m", memory: 10000 }).obj(), makeNode("n2").capacity({ cpu: "6000m", memory: 10000 }).obj()];
    // n1: cpu 0.75, memory 0.5 → 1 - 0.125 → 87; n2: 0.5 and 0.5 → 100.
    expect(await scores("NodeResourcesBalancedAllocation", makePod("p").req({ cpu: "3000m", memory: 5000 }).obj(), nodes)).toEqual({ n1: 87, n2: 100 });
  });
});

describe("TaintToleration score", () => {
  it("prefers nodes with fewer untolerated PreferNoSchedule taints", async () => {
    const nodes = [
      makeNode("clean").obj(),
      makeNode("one").taint({ key: "a", effect: "PreferNoSchedule" }).obj(),
      makeNode("two").taint({ key: "a", effect: "PreferNoSchedule" }).taint({ key: "b", effect: "PreferNoSchedule" }).obj(),
      makeNode("tolerated").taint({ key: "c", value: "x", effect: "PreferNoSchedule" }).obj(),
    ];
    const pod = makePod("p").toleration({ key: "c", operator: "Equal", value: "x", effect: "PreferNoSchedule" }).obj();
    expect(await scores("TaintToleration", pod, nodes)).toEqual({ clean: 100, one: 50, two: 0, tolerated: 100 });
  });
});

describe("NodeAffinity score", () => {
  it("sums matching preferred weights, normalized to the best node", async () => {
    const nodes = [makeNode("ssd").label("disk", "ssd").label("zone", "a").obj(), makeNode("hdd").label("disk", "hdd").label("zone", "a").obj(), makeNode("none").obj()];
    const pod = makePod("p")
      .affinity({
        nodeAffinity: {
          preferredDuringSchedulingIgnoredDuringExecution: [
            { weight: 80, preference: { matchExpressions: [{ key: "disk", operator: "In", values: ["ssd"] }] } },
            { weight: 20, preference: { matchExpressions: [{ key: "zone", operator: "In", values: ["a"] }] } },
          ],
        },
      })
      .obj();
    expect(await scores("NodeAffinity", pod, nodes)).toEqual({ ssd: 100, hdd: 20, none: 0 });
  });
});

describe("ImageLocality", () => {
  it("prefers nodes holding the image, scaled by size and spread", async () => {
    const MB = 1024 * 1024;
    const nodes = [makeNode("has").image(["nginx:latest"], 500 * MB).obj(), makeNode("small").image(["busybox:1.36"], 5 * MB).obj(), makeNode("none").obj()];
    const { SchedulerCache } = await import("../../../core/scheduler/cache.js");
    const cache = new SchedulerCache();
    for (const n of nodes) cache.addNode(n);
    const snap = new Snapshot();
    cache.updateSnapshot(snap);
    const p = await createPlugin<ScorePlugin>("ImageLocality", {}, fakeSchedulerHandle(snap));
    const pod = makePod("p").image("nginx").obj();
    const out = snap.nodeInfoList.map((ni) => p.score(newState(), pod, ni));
    // 500 MB held by 1 of 3 nodes → 166 MB effective: (166-23)/(1000-23) → 14.
    expect(out).toEqual([14, 0, 0]);
  });
});

describe("PodTopologySpread score", () => {
  it("prefers the domain with fewer matching pods (soft constraint)", async () => {
    const nodes = [makeNode("a").label("zone", "a").obj(), makeNode("b").label("zone", "b").obj(), makeNode("bare").obj()];
    const existing = [makePod("e1").node("a").label("app", "x").obj(), makePod("e2").node("a").label("app", "x").obj()];
    const pod = makePod("p").label("app", "x").spread({ maxSkew: 1, topologyKey: "zone", whenUnsatisfiable: "ScheduleAnyway", labelSelector: { matchLabels: { app: "x" } } }).obj();
    const s = await scores("PodTopologySpread", pod, nodes, existing);
    expect(s.b).toBe(100);
    expect(s.a).toBeLessThan(s.b!);
    expect(s.bare).toBe(0);
  });
});

describe("InterPodAffinity score", () => {
  it("adds preferred affinity and subtracts preferred anti-affinity per domain", async () => {
    const nodes = [makeNode("a").label("zone", "z1").obj(), makeNode("b").label("zone", "z2").obj(), makeNode("c").label("zone", "z3").obj()];
    const existing = [makePod("cache").node("a").label("app", "cache").obj(), makePod("noisy").node("b").label("app", "noisy").obj()];
    const pod = makePod("p")
      .affinity({
        podAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 10, podAffinityTerm: { labelSelector: { matchLabels: { app: "cache" } }, topologyKey: "zone" } }] },
        podAntiAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 10, podAffinityTerm: { labelSelector: { matchLabels: { app: "noisy" } }, topologyKey: "zone" } }] },
      })
      .obj();
    expect(await scores("InterPodAffinity", pod, nodes, existing)).toEqual({ a: 100, b: 0, c: 50 });
  });
});
