import { describe, expect, it } from "vitest";
import { Code, PodInfo, type BindPlugin, type PostFilterPlugin, type PreEnqueuePlugin, type PreFilterPlugin, type QueueSortPlugin, type QueuedPodInfo, type Status } from "../../../core/scheduler/index.js";
import { MemoryCluster } from "../../../core/scheduler/memory-cluster.js";
import { Snapshot } from "../../../core/scheduler/snapshot.js";
import { createPlugin, fakeSchedulerHandle, makePod, newState } from "../../support/scheduler.js";
import { pickOne, splitByPdbViolation, type Candidate } from "../../../plugins/scheduler/postFilter/default-preemption/victims.js";

const qpi = (pod: ReturnType<typeof makePod>, timestamp: number) => ({ podInfo: new PodInfo(pod.obj()), timestamp }) as QueuedPodInfo;

describe("PrioritySort", () => {
  it.each([
    ["higher priority first", qpi(makePod("a").priority(10), 2), qpi(makePod("b").priority(1), 1), true],
    ["lower priority later", qpi(makePod("a").priority(1), 1), qpi(makePod("b").priority(10), 2), false],
    ["equal priority: earlier first", qpi(makePod("a"), 1), qpi(makePod("b"), 2), true],
    ["equal priority: later second", qpi(makePod("a"), 2), qpi(makePod("b"), 1), false],
  ])("%s", async (_n, a, b, want) => {
    const p = await createPlugin<QueueSortPlugin>("PrioritySort");
    expect(p.less(a, b)).toBe(want);
  });
});

describe("SchedulingGates", () => {
  it.each([
    ["no gates", makePod("p").obj(), "Success"],
    ["two gates", makePod("p").gate("a").gate("b").obj(), "UnschedulableAndUnresolvable: waiting for scheduling gates: [a b]"],
  ])("%s", async (_n, pod, want) => {
    const p = await createPlugin<PreEnqueuePlugin>("SchedulingGates");
    const s = p.preEnqueue(pod) as Status;
    expect(s.code === Code.Success ? "Success" : `${Code[s.code]}: ${s.message()}`).toBe(want);
  });
});

describe("DefaultBinder", () => {
  it("binds through the cluster, and a failed call is an Error status", async () => {
    const cluster = new MemoryCluster();
    cluster.addPod(makePod("p").obj());
    const p = await createPlugin<BindPlugin>("DefaultBinder", {}, fakeSchedulerHandle(new Snapshot(), cluster));
    expect(((await p.bind(newState(), cluster.pods.get("default/p")!, "n")) as Status).code).toBe(Code.Success);
    expect(cluster.pods.get("default/p")!.spec.nodeName).toBe("n");
    const again = (await p.bind(newState(), cluster.pods.get("default/p")!, "m")) as Status;
    expect(again.code).toBe(Code.Error);
    expect(again.message()).toContain('already assigned to node "n"');
  });
});

describe("VolumeBinding (basic)", () => {
  const withClaim = (claim: string) => {
    const p = makePod("p").obj();
    p.spec.volumes = [{ name: "v", persistentVolumeClaim: { claimName: claim } }];
    return p;
  };
  const cluster = new MemoryCluster();
  cluster.pvcs.set("default/bound", { metadata: { name: "bound", namespace: "default" }, spec: { volumeName: "pv-1" } });
  cluster.pvcs.set("default/unbound", { metadata: { name: "unbound", namespace: "default" }, spec: {} });
  it.each([
    ["no claims (Skip)", makePod("p").obj(), "Skip"],
    ["a bound claim", withClaim("bound"), "Success"],
    ["a missing claim", withClaim("nope"), 'UnschedulableAndUnresolvable: persistentvolumeclaim "nope" not found'],
    ["an unbound claim", withClaim("unbound"), "UnschedulableAndUnresolvable: pod has unbound immediate PersistentVolumeClaims"],
  ])("%s", async (_n, pod, want) => {
    const p = await createPlugin<PreFilterPlugin>("VolumeBinding", {}, fakeSchedulerHandle(new Snapshot(), cluster));
    const s = p.preFilter(newState(), pod, []) as Status;
    expect(s.code === Code.Success || s.code === Code.Skip ? Code[s.code] : `${Code[s.code]}: ${s.message()}`).toBe(want);
  });
});

describe("DefaultPreemption victim rules", () => {
  const pi = (name: string, prio: number, labels: Record<string, string> = {}, created = "2026-01-01T00:00:00Z") => {
    const b = makePod(name).priority(prio).created(created);
    for (const [k, v] of Object.entries(labels)) b.label(k, v);
    return new PodInfo(b.obj());
  };

  it("splits pods whose eviction would break a PodDisruptionBudget", () => {
    const pdb = { metadata: { name: "pdb", namespace: "default" }, spec: { selector: { matchLabels: { app: "db" } } }, status: { disruptionsAllowed: 1 } };
    const { violating, nonViolating } = splitByPdbViolation([pi("db-1", 0, { app: "db" }), pi("db-2", 0, { app: "db" }), pi("web", 0, { app: "web" })], [pdb]);
    expect(violating.map((p) => p.pod.metadata.name)).toEqual(["db-2"]);
    expect(nonViolating.map((p) => p.pod.metadata.name)).toEqual(["db-1", "web"]);
  });

  it.each<[string, Candidate[], string]>([
    ["fewest PDB violations", [{ node: "a", victims: [pi("x", 1)], numPdbViolations: 1 }, { node: "b", victims: [pi("y", 5), pi("z", 5)], numPdbViolations: 0 }], "b"],
    ["lowest highest-victim priority", [{ node: "a", victims: [pi("x", 10)], numPdbViolations: 0 }, { node: "b", victims: [pi("y", 5), pi("z", 5)], numPdbViolations: 0 }], "b"],
    ["lowest priority sum", [{ node: "a", victims: [pi("x", 5), pi("w", 5)], numPdbViolations: 0 }, { node: "b", victims: [pi("y", 5), pi("z", 1)], numPdbViolations: 0 }], "b"],
    ["fewest victims", [{ node: "a", victims: [pi("x", 5), pi("w", 0), pi("v", 0)], numPdbViolations: 0 }, { node: "b", victims: [pi("y", 5), pi("z", 0)], numPdbViolations: 0 }], "b"],
    [
      "latest start of the top victims",
      [
        { node: "a", victims: [pi("x", 5, {}, "2026-01-01T00:00:00Z")], numPdbViolations: 0 },
        { node: "b", victims: [pi("y", 5, {}, "2026-02-01T00:00:00Z")], numPdbViolations: 0 },
      ],
      "b",
    ],
  ])("picks the node with %s", (_n, candidates, want) => {
    expect(pickOne(candidates)?.node).toBe(want);
  });

  it("does not preempt with preemptionPolicy Never, saying so", async () => {
    const p = await createPlugin<PostFilterPlugin>("DefaultPreemption", {}, fakeSchedulerHandle(Snapshot.of([])));
    const pod = makePod("p").obj();
    pod.spec.preemptionPolicy = "Never";
    const out = await p.postFilter(newState(), pod, new Map<string, Status>());
    expect(out.status.message()).toBe("not eligible due to preemptionPolicy=Never.");
  });
});
