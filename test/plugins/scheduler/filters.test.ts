import { describe, expect, it } from "vitest";
import { Code, type FilterPlugin, type Node, type Pod, type PreFilterPlugin, type Status } from "../../../core/scheduler/index.js";
import { createPlugin, makeNode, makePod, newState, nodeInfos } from "../../support/scheduler.js";

/** Runs PreFilter (when served) then Filter for one pod on one node, as the framework does. */
async function run(plugin: string, pod: Pod, node: Node, existing: Pod[] = [], args: Record<string, unknown> = {}): Promise<Status | undefined> {
  const p = await createPlugin<FilterPlugin & Partial<PreFilterPlugin>>(plugin, args);
  const infos = nodeInfos([node], existing);
  const state = newState();
  const pre = p.preFilter?.(state, pod, infos);
  if (pre && "code" in pre && (pre as Status).code === Code.Skip) return undefined;
  if (pre && "code" in pre && (pre as Status).code !== Code.Success) return pre as Status;
  return p.filter(state, pod, infos[0]!) ?? undefined;
}
const verdict = (s: Status | undefined) => (s && s.code !== Code.Success ? `${Code[s.code]}: ${s.reasons.join(", ")}` : "Success");

describe("NodeName", () => {
  it.each([
    ["no nodeName", makePod("p").obj(), "Success"],
    ["this node", makePod("p").node("n").obj(), "Success"],
    ["another node", makePod("p").node("m").obj(), "UnschedulableAndUnresolvable: node(s) didn't match the requested node name"],
  ])("%s", async (_n, pod, want) => expect(verdict(await run("NodeName", pod, makeNode("n").obj()))).toBe(want));
});

describe("NodeUnschedulable", () => {
  it.each([
    ["schedulable node", makeNode("n").obj(), makePod("p").obj(), "Success"],
    ["cordoned node", makeNode("n").unschedulable().obj(), makePod("p").obj(), "UnschedulableAndUnresolvable: node(s) were unschedulable"],
    ["cordoned node, tolerated", makeNode("n").unschedulable().obj(), makePod("p").toleration({ key: "node.kubernetes.io/unschedulable", operator: "Exists", effect: "NoSchedule" }).obj(), "Success"],
  ])("%s", async (_n, node, pod, want) => expect(verdict(await run("NodeUnschedulable", pod, node))).toBe(want));
});

describe("NodePorts", () => {
  const taken = makePod("t").node("n").hostPort(8080).obj();
  it.each([
    ["no host ports (PreFilter skips)", makePod("p").obj(), "Success"],
    ["a free port", makePod("p").hostPort(9090).obj(), "Success"],
    ["the same port and protocol", makePod("p").hostPort(8080).obj(), "Unschedulable: node(s) didn't have free ports for the requested pod ports"],
    ["the same port over UDP", makePod("p").hostPort(8080, "UDP").obj(), "Success"],
    ["the same port on a specific IP against 0.0.0.0", makePod("p").hostPort(8080, "TCP", "10.0.0.1").obj(), "Unschedulable: node(s) didn't have free ports for the requested pod ports"],
  ])("%s", async (_n, pod, want) => expect(verdict(await run("NodePorts", pod, makeNode("n").obj(), [taken]))).toBe(want));
});

describe("TaintToleration filter", () => {
  const tainted = makeNode("n").taint({ key: "dedicated", value: "gpu", effect: "NoSchedule" }).obj();
  it.each([
    ["untolerated NoSchedule", tainted, makePod("p").obj(), "UnschedulableAndUnresolvable: node(s) had untolerated taint {dedicated: gpu}"],
    ["Equal toleration", tainted, makePod("p").toleration({ key: "dedicated", operator: "Equal", value: "gpu", effect: "NoSchedule" }).obj(), "Success"],
    ["wrong value", tainted, makePod("p").toleration({ key: "dedicated", value: "cpu" }).obj(), "UnschedulableAndUnresolvable: node(s) had untolerated taint {dedicated: gpu}"],
    ["Exists with an empty key tolerates all", tainted, makePod("p").toleration({ operator: "Exists" }).obj(), "Success"],
    ["PreferNoSchedule never filters", makeNode("n").taint({ key: "soft", effect: "PreferNoSchedule" }).obj(), makePod("p").obj(), "Success"],
    ["NoExecute filters too", makeNode("n").taint({ key: "x", effect: "NoExecute" }).obj(), makePod("p").obj(), "UnschedulableAndUnresolvable: node(s) had untolerated taint {x: }"],
  ])("%s", async (_n, node, pod, want) => expect(verdict(await run("TaintToleration", pod, node))).toBe(want));
});

describe("NodeAffinity filter", () => {
  const node = makeNode("n").label("zone", "a").label("gen", "5").obj();
  const req = (key: string, operator: "In" | "NotIn" | "Exists" | "DoesNotExist" | "Gt" | "Lt", values?: string[]) =>
    makePod("p").affinity({ nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [{ key, operator, ...(values ? { values } : {}) }] }] } } }).obj();
  const NO = "UnschedulableAndUnresolvable: node(s) didn't match Pod's node affinity/selector";
  it.each([
    ["nodeSelector matches", makePod("p").nodeSelector({ zone: "a" }).obj(), "Success"],
    ["nodeSelector differs", makePod("p").nodeSelector({ zone: "b" }).obj(), NO],
    ["In", req("zone", "In", ["a", "b"]), "Success"],
    ["NotIn", req("zone", "NotIn", ["a"]), NO],
    ["Exists", req("gen", "Exists"), "Success"],
    ["DoesNotExist", req("gen", "DoesNotExist"), NO],
    ["Gt", req("gen", "Gt", ["4"]), "Success"],
    ["Lt", req("gen", "Lt", ["4"]), NO],
  ])("%s", async (_n, pod, want) => expect(verdict(await run("NodeAffinity", pod, node))).toBe(want));

  it("ANDs addedAffinity from its args with the pod's own", async () => {
    const args = { addedAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [{ key: "zone", operator: "In", values: ["b"] }] }] } } };
    expect(verdict(await run("NodeAffinity", makePod("p").obj(), node, [], args))).toBe("UnschedulableAndUnresolvable: node(s) didn't match scheduler-enforced node affinity");
  });

  it("narrows the nodes to filter when every term pins metadata.name", async () => {
    const p = await createPlugin<PreFilterPlugin>("NodeAffinity");
    const pod = makePod("p").affinity({ nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchFields: [{ key: "metadata.name", operator: "In", values: ["n1", "n2"] }] }] } } }).obj();
    const out = p.preFilter(newState(), pod, []) as { nodeNames: Set<string> };
    expect([...out.nodeNames]).toEqual(["n1", "n2"]);
  });
});

describe("NodeResourcesFit filter", () => {
  const node = makeNode("n").capacity({ cpu: "4", memory: "8Gi", pods: 3, "example.com/gpu": 1 }).obj();
  const used = [makePod("u").node("n").req({ cpu: "3", memory: "1Gi" }).obj()];
  it.each([
    ["fits", makePod("p").req({ cpu: "1" }).obj(), "Success"],
    ["Insufficient cpu (preemption could help)", makePod("p").req({ cpu: "1500m" }).obj(), "Unschedulable: Insufficient cpu"],
    ["more than the node has at all", makePod("p").req({ cpu: "5" }).obj(), "UnschedulableAndUnresolvable: Insufficient cpu"],
    ["cpu and memory", makePod("p").req({ cpu: "2", memory: "7.5Gi" }).obj(), "Unschedulable: Insufficient cpu, Insufficient memory"],
    ["extended resource", makePod("p").req({ "example.com/gpu": 2 }).obj(), "UnschedulableAndUnresolvable: Insufficient example.com/gpu"],
    ["init container peak above the containers", makePod("p").req({ cpu: "500m" }).init({ cpu: "2" }).obj(), "Unschedulable: Insufficient cpu"],
    ["sidecars add to the containers", makePod("p").req({ cpu: "600m" }).init({ cpu: "500m" }, true).obj(), "Unschedulable: Insufficient cpu"],
    ["overhead counts", makePod("p").req({ cpu: "900m" }).overhead({ cpu: "200m" }).obj(), "Unschedulable: Insufficient cpu"],
  ])("%s", async (_n, pod, want) => expect(verdict(await run("NodeResourcesFit", pod, node, used))).toBe(want));

  it("Too many pods at status.allocatable.pods", async () => {
    const full = [makePod("a").node("n").obj(), makePod("b").node("n").obj(), makePod("c").node("n").obj()];
    expect(verdict(await run("NodeResourcesFit", makePod("p").obj(), node, full))).toBe("Unschedulable: Too many pods");
  });

  it("ignores resources and resource groups named in its args", async () => {
    const pod = makePod("p").req({ "example.com/gpu": 2, "vendor.io/fpga": 1 }).obj();
    expect(verdict(await run("NodeResourcesFit", pod, node, [], { ignoredResources: ["example.com/gpu"], ignoredResourceGroups: ["vendor.io"] }))).toBe("Success");
  });
});

describe("PodTopologySpread filter", () => {
  const nodes = ["a1", "a2", "b1"].map((n) => makeNode(n).label("zone", n[0]!).obj());
  const spread = { maxSkew: 1, topologyKey: "zone", whenUnsatisfiable: "DoNotSchedule" as const, labelSelector: { matchLabels: { app: "x" } } };
  const existing = [makePod("e1").node("a1").label("app", "x").obj(), makePod("e2").node("a2").label("app", "x").obj(), makePod("o").node("b1").label("app", "other").obj()];

  async function filterOn(nodeName: string, pod: Pod) {
    const p = await createPlugin<FilterPlugin & PreFilterPlugin>("PodTopologySpread");
    const infos = nodeInfos([...nodes, makeNode("bare").obj()], existing);
    const state = newState();
    p.preFilter(state, pod, infos);
    return verdict(p.filter(state, pod, infos.find((i) => i.name === nodeName)!) ?? undefined);
  }

  it.each([
    ["zone a is two ahead", "a1", "Unschedulable: node(s) didn't match pod topology spread constraints"],
    ["zone b evens it out", "b1", "Success"],
    ["a node without the key", "bare", "UnschedulableAndUnresolvable: node(s) didn't match pod topology spread constraints (missing required label)"],
  ])("%s", async (_n, node, want) => expect(await filterOn(node, makePod("p").label("app", "x").spread(spread).obj())).toBe(want));

  it("a pod the selector does not match does not count itself", async () => {
    expect(await filterOn("a1", makePod("p").label("app", "y").spread({ ...spread, maxSkew: 2 }).obj())).toBe("Success");
  });
});

describe("InterPodAffinity filter", () => {
  const nodes = [makeNode("a").label("zone", "z1").obj(), makeNode("b").label("zone", "z2").obj()];
  const db = makePod("db").node("a").label("app", "db").obj();
  async function filterOn(nodeName: string, pod: Pod, existing: Pod[] = [db]) {
    const { Snapshot } = await import("../../../core/scheduler/snapshot.js");
    const { fakeSchedulerHandle } = await import("../../support/scheduler.js");
    const infos = nodeInfos(nodes, existing);
    const handle = fakeSchedulerHandle(Snapshot.of(infos));
    const p = await createPlugin<FilterPlugin & PreFilterPlugin>("InterPodAffinity", {}, handle);
    const state = newState();
    const pre = p.preFilter(state, pod, infos) as Status;
    if (pre.code === Code.Skip) return "Success";
    return verdict(p.filter(state, pod, infos.find((i) => i.name === nodeName)!) ?? undefined);
  }
  const term = { labelSelector: { matchLabels: { app: "db" } }, topologyKey: "zone" };
  it.each([
    ["affinity satisfied in the db's zone", "a", makePod("p").podAffinity(term).obj(), "Success"],
    ["affinity unmet in another zone", "b", makePod("p").podAffinity(term).obj(), "UnschedulableAndUnresolvable: node(s) didn't match pod affinity rules"],
    ["anti-affinity in the db's zone", "a", makePod("p").podAntiAffinity(term).obj(), "Unschedulable: node(s) didn't match pod anti-affinity rules"],
    ["anti-affinity elsewhere", "b", makePod("p").podAntiAffinity(term).obj(), "Success"],
  ])("%s", async (_n, node, pod, want) => expect(await filterOn(node, pod)).toBe(want));

  it("honours existing pods' anti-affinity against the incoming pod", async () => {
    const guard = makePod("guard").node("a").podAntiAffinity({ labelSelector: { matchLabels: { app: "web" } }, topologyKey: "zone" }).obj();
    expect(await filterOn("a", makePod("p").label("app", "web").obj(), [guard])).toBe("Unschedulable: node(s) didn't satisfy existing pods anti-affinity rules");
    expect(await filterOn("b", makePod("p").label("app", "web").obj(), [guard])).toBe("Success");
  });

  it("lets the first pod of a self-affine group go where the key exists", async () => {
    const pod = makePod("p").label("app", "db").podAffinity(term).obj();
    expect(await filterOn("b", pod, [])).toBe("Success");
  });
});

describe("VolumeRestrictions", () => {
  const pd = (ro: boolean) => ({ name: "v", gcePersistentDisk: { pdName: "disk-1", readOnly: ro } });
  const withVol = (name: string, v: ReturnType<typeof pd>) => {
    const p = makePod(name).obj();
    p.spec.volumes = [v];
    return p;
  };
  it.each([
    ["the same disk read-write", withVol("p", pd(false)), withVol("e", pd(true)), "Unschedulable: node(s) had no available disk"],
    ["the same disk read-only on both", withVol("p", pd(true)), withVol("e", pd(true)), "Success"],
  ])("%s", async (_n, pod, other, want) => {
    other.spec.nodeName = "n";
    expect(verdict(await run("VolumeRestrictions", pod, makeNode("n").obj(), [other]))).toBe(want);
  });
});
