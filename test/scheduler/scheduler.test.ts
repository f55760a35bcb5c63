import { afterEach, describe, expect, it } from "vitest";
import { definePlugin } from "../../core/kernel/define-plugin.js";
import { Scheduler as Points, Status, type PermitPlugin } from "../../core/scheduler/index.js";
import { makeNode, makePod, startMemoryScheduler } from "../support/scheduler.js";

type Harness = Awaited<ReturnType<typeof startMemoryScheduler>>;
let h: Harness | undefined;
afterEach(async () => {
  await h?.stop();
  h = undefined;
});

const boundTo = (h: Harness, key: string) => h.cluster.pods.get(key)?.spec.nodeName;

describe("scheduler over an in-memory cluster", () => {
  it("binds pods to fitting nodes and records the Scheduled event and attempt metrics", async () => {
    h = await startMemoryScheduler();
    h.cluster.addNode(makeNode("n1").obj());
    h.cluster.addNode(makeNode("n2").capacity({ cpu: "500m" }).obj());
    h.cluster.addPod(makePod("p").req({ cpu: "1" }).obj());
    await h.until(() => !!boundTo(h!, "default/p"));
    expect(boundTo(h, "default/p")).toBe("n1");
    expect(h.cluster.events).toContainEqual({ pod: "default/p", type: "Normal", reason: "Scheduled", note: "Successfully assigned default/p to n1" });
    const text = await h.metrics.registry.metrics();
    expect(text).toContain('scheduler_schedule_attempts_total{result="scheduled",profile="default-scheduler"} 1');
    expect(text).toMatch(/scheduler_framework_extension_point_duration_seconds_count\{extension_point="PreFilter",status="Success",profile="default-scheduler"\} 1/);
    expect(text).toMatch(/scheduler_plugin_execution_duration_seconds_count\{plugin="NodeResourcesFit",extension_point="Filter",status="Success"\} \d/);
    expect(text).toContain('scheduler_pending_pods{queue="active"} 0');
  });

  it("reports upstream's FailedScheduling message and PodScheduled condition, then schedules once a fitting node appears", async () => {
    h = await startMemoryScheduler();
    h.cluster.addNode(makeNode("a").obj());
    h.cluster.addNode(makeNode("b").obj());
    h.cluster.addNode(makeNode("gpu").taint({ key: "dedicated", value: "gpu", effect: "NoSchedule" }).obj());
    h.cluster.addPod(makePod("big-a").node("a").req({ cpu: "3" }).obj());
    h.cluster.addPod(makePod("big-b").node("b").req({ cpu: "3" }).obj());
    h.cluster.addPod(makePod("p").req({ cpu: "2" }).obj());
    await h.until(() => h!.cluster.events.some((e) => e.reason === "FailedScheduling"));
    const msg =
      "0/3 nodes are available: 1 node(s) had untolerated taint {dedicated: gpu}, 2 Insufficient cpu. " +
      "preemption: 0/3 nodes are available: 1 Preemption is not helpful for scheduling, 2 No preemption victims found for incoming pod..";
    expect(h.cluster.events.find((e) => e.reason === "FailedScheduling")).toEqual({ pod: "default/p", type: "Warning", reason: "FailedScheduling", note: msg });
    const cond = h.cluster.pods.get("default/p")!.status!.conditions!.find((c) => c.type === "PodScheduled");
    expect(cond).toMatchObject({ status: "False", reason: "Unschedulable", message: msg });
    expect(h.scheduler.queue.whereIs("uid-p")).toBe("unschedulable");

    h.cluster.addNode(makeNode("c").obj());
    await h.until(() => boundTo(h!, "default/p") === "c", 5000);
  });

  it("a Node event a rejecting plugin did not register leaves the pod waiting", async () => {
    h = await startMemoryScheduler();
    h.cluster.addNode(makeNode("a").obj());
    h.cluster.addPod(makePod("p").nodeSelector({ disk: "ssd" }).obj());
    await h.until(() => h!.scheduler.queue.whereIs("uid-p") === "unschedulable");
    // A claim changing helps neither NodeAffinity nor any filter that rejected the pod.
    h.scheduler.otherChanged("PersistentVolumeClaim", "Add", undefined, {});
    expect(h.scheduler.queue.whereIs("uid-p")).toBe("unschedulable");
    h.cluster.updateNode(makeNode("a").label("disk", "ssd").obj());
    expect(["backoff", "active", "inFlight"]).toContain(h.scheduler.queue.whereIs("uid-p"));
    await h.until(() => boundTo(h!, "default/p") === "a", 5000);
  });

  it("spreads 100 pods evenly over two zones of ten nodes with a zone constraint", async () => {
    h = await startMemoryScheduler();
    for (let i = 0; i < 10; i++) h.cluster.addNode(makeNode(`n${i}`).label("topology.kubernetes.io/zone", i < 5 ? "z1" : "z2").obj());
    const spread = { maxSkew: 1, topologyKey: "topology.kubernetes.io/zone", whenUnsatisfiable: "DoNotSchedule" as const, labelSelector: { matchLabels: { app: "web" } } };
    for (let i = 0; i < 100; i++) h.cluster.addPod(makePod(`web-${i}`).label("app", "web").req({ cpu: "10m" }).spread(spread).obj());
    await h.until(() => [...h!.cluster.pods.values()].every((p) => p.spec.nodeName), 10_000);
    const zone = (n: string) => (Number(n.slice(1)) < 5 ? "z1" : "z2");
    const counts = { z1: 0, z2: 0 };
    for (const p of h.cluster.pods.values()) counts[zone(p.spec.nodeName!)]++;
    expect(counts).toEqual({ z1: 50, z2: 50 });
  });

  it("preempts a lower-priority pod: the victim is deleted gracefully and the preemptor nominated and bound", async () => {
    h = await startMemoryScheduler();
    h.cluster.addNode(makeNode("n").obj());
    h.cluster.addPod(makePod("low").node("n").priority(0).req({ cpu: "3" }).obj());
    const sawTerminating: boolean[] = [];
    const orig = h.cluster.updatePod.bind(h.cluster);
    h.cluster.updatePod = (p) => {
      if (p.metadata.name === "low" && p.metadata.deletionTimestamp) sawTerminating.push(true);
      orig(p);
    };
    h.cluster.addPod(makePod("high").priority(1000).req({ cpu: "2" }).obj());
    await h.until(() => boundTo(h!, "default/high") === "n", 5000);
    expect(sawTerminating).toEqual([true]);
    expect(h.cluster.pods.has("default/low")).toBe(false);
    expect(h.cluster.events).toContainEqual(expect.objectContaining({ pod: "default/low", reason: "Preempted", note: "Preempted by pod uid-high on node n" }));
    expect(h.cluster.events.find((e) => e.pod === "default/high" && e.reason === "FailedScheduling")?.note).toBe("0/1 nodes are available: 1 Insufficient cpu.");
  });

  it("keeps gated pods out of the active queue until the gate goes", async () => {
    h = await startMemoryScheduler();
    h.cluster.addNode(makeNode("n").obj());
    h.cluster.addPod(makePod("g").gate("example.com/wait").obj());
    expect(h.scheduler.queue.whereIs("uid-g")).toBe("gated");
    expect(await h.metrics.registry.metrics()).toContain('scheduler_pending_pods{queue="gated"} 1');
    const p = structuredClone(h.cluster.pods.get("default/g")!);
    delete p.spec.schedulingGates;
    h.cluster.updatePod(p);
    await h.until(() => boundTo(h!, "default/g") === "n");
  });

  it("routes pods to the profile their schedulerName names and ignores other schedulers' pods", async () => {
    h = await startMemoryScheduler({
      profiles: [{ schedulerName: "default-scheduler" }, { schedulerName: "custom-scheduler", plugins: { filter: { disabled: [{ name: "TaintToleration" }] } } }],
    });
    h.cluster.addNode(makeNode("tainted").taint({ key: "k", effect: "NoSchedule" }).obj());
    h.cluster.addPod(makePod("custom").schedulerName("custom-scheduler").obj());
    h.cluster.addPod(makePod("default").obj());
    h.cluster.addPod(makePod("other").schedulerName("someone-else").obj());
    await h.until(() => boundTo(h!, "default/custom") === "tainted");
    await h.until(() => h!.cluster.events.some((e) => e.pod === "default/default" && e.reason === "FailedScheduling"));
    expect(boundTo(h, "default/default")).toBeUndefined();
    expect(h.scheduler.queue.whereIs("uid-other")).toBeUndefined();
  });

  it("holds a pod at Permit and rejects it when the wait times out, unreserving and requeueing it", async () => {
    const holder = definePlugin<Record<string, never>, unknown, PermitPlugin>({
      name: "HoldBriefly",
      serves: [Points.permit],
      create: () => ({ permit: () => ({ status: Status.wait(), timeoutMs: 30 }) }),
    });
    h = await startMemoryScheduler({ profiles: [{ plugins: { permit: { enabled: [{ name: "HoldBriefly" }] } } }] }, [holder]);
    h.cluster.addNode(makeNode("n").obj());
    h.cluster.addPod(makePod("p").obj());
    await h.until(() => h!.cluster.events.some((e) => e.reason === "FailedScheduling"));
    expect(h.cluster.events.find((e) => e.reason === "FailedScheduling")!.note).toBe("rejected due to timeout after waiting 0.03s at plugin HoldBriefly");
    expect(boundTo(h, "default/p")).toBeUndefined();
    expect(h.scheduler.cache.isAssumed(h.cluster.pods.get("default/p")!)).toBe(false);
  });
});
