import { describe, expect, it } from "vitest";
import { PodInfo } from "../../core/scheduler/node-info.js";
import { SchedulingQueue } from "../../core/scheduler/queue.js";
import { Status } from "../../core/scheduler/status.js";
import { numFeasibleNodesToFind } from "../../core/scheduler/framework.js";
import type { QueuedPodInfo } from "../../core/scheduler/plugin-api.js";
import { makePod } from "../support/scheduler.js";

function queue(now: { t: number }, worth: (q: QueuedPodInfo) => boolean = () => true) {
  return new SchedulingQueue({
    less: (a, b) => (a.podInfo.pod.spec.priority ?? 0) > (b.podInfo.pod.spec.priority ?? 0),
    profileFor: () => ({ runPreEnqueue: (p) => (p.spec.schedulingGates?.length ? Status.unresolvable("gated").withPlugin("SchedulingGates") : Status.success()), isWorthRequeuing: worth }),
    now: () => now.t,
  });
}

describe("scheduling queue", () => {
  it("pops by the QueueSort order", async () => {
    const q = queue({ t: 0 });
    q.add(makePod("low").priority(1).obj());
    q.add(makePod("high").priority(10).obj());
    expect((await q.pop())!.podInfo.pod.metadata.name).toBe("high");
    expect((await q.pop())!.podInfo.pod.metadata.name).toBe("low");
  });

  it.each([
    [1, 1000],
    [2, 2000],
    [3, 4000],
    [4, 8000],
    [5, 10_000],
    [9, 10_000],
  ])("backs off attempt %i for %i ms (1 s doubling, capped at 10 s)", (attempts, ms) => {
    const q = queue({ t: 0 });
    const qpi = { podInfo: new PodInfo(makePod("p").obj()), attempts } as QueuedPodInfo;
    expect(q.backoffDurationMs(qpi)).toBe(ms);
  });

  it("moves an unschedulable pod on a helpful event into backoff, then active once backoff ends", async () => {
    const now = { t: 0 };
    let helpful = false;
    const q = queue(now, () => helpful);
    q.add(makePod("p").obj());
    const qpi = (await q.pop())!;
    qpi.unschedulablePlugins = new Set(["NodeResourcesFit"]);
    q.addUnschedulable(qpi);
    expect(q.whereIs("uid-p")).toBe("unschedulable");
    q.onEvent({ resource: "Node", action: "Add" });
    expect(q.whereIs("uid-p")).toBe("unschedulable");
    helpful = true;
    q.onEvent({ resource: "Node", action: "Add" });
    expect(q.whereIs("uid-p")).toBe("backoff");
    now.t = 999;
    q.flushBackoffCompleted();
    expect(q.whereIs("uid-p")).toBe("backoff");
    now.t = 1000;
    q.flushBackoffCompleted();
    expect(q.whereIs("uid-p")).toBe("active");
  });

  it("sends a pod to backoff at once when a move request arrived during its attempt", async () => {
    const q = queue({ t: 0 });
    q.add(makePod("p").obj());
    const qpi = (await q.pop())!;
    q.onEvent({ resource: "Node", action: "Add" });
    qpi.unschedulablePlugins = new Set(["NodeResourcesFit"]);
    q.addUnschedulable(qpi);
    expect(q.whereIs("uid-p")).toBe("backoff");
  });

  it("flushes pods unschedulable for five minutes", async () => {
    const now = { t: 0 };
    const q = queue(now, () => false);
    q.add(makePod("p").obj());
    const qpi = (await q.pop())!;
    qpi.unschedulablePlugins = new Set(["X"]);
    q.addUnschedulable(qpi);
    now.t = 5 * 60_000 - 1;
    q.flushUnschedulableLeftover();
    expect(q.whereIs("uid-p")).toBe("unschedulable");
    now.t = 5 * 60_000;
    q.flushUnschedulableLeftover();
    expect(q.whereIs("uid-p")).toBe("active");
  });

  it("Pending goes straight back to active without backoff; gated pods wait apart", async () => {
    const q = queue({ t: 0 });
    q.add(makePod("g").gate("x").obj());
    expect(q.whereIs("uid-g")).toBe("gated");
    expect(q.counts()).toEqual({ active: 0, backoff: 0, unschedulable: 0, gated: 1 });
    q.add(makePod("p").obj());
    const qpi = (await q.pop())!;
    q.addUnschedulable(qpi, true);
    expect(q.whereIs("uid-p")).toBe("active");
  });
});

describe("numFeasibleNodesToFind (adaptive percentageOfNodesToScore)", () => {
  it.each([
    [50, 0, 50],
    [100, 0, 100],
    [1000, 0, 420],
    [5000, 0, 500],
    [6000, 0, 300],
    [20_000, 0, 1000],
    [1000, 30, 300],
    [1000, 5, 100],
    [1000, 100, 1000],
  ])("%i nodes at %i%% → %i", (nodes, pct, want) => {
    expect(numFeasibleNodesToFind(nodes, pct)).toBe(want);
  });
});
