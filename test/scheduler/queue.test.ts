import { describe, expect, it } from "vitest";
import { prioritySort } from "../../plugins/scheduler/queueSort/priority-sort/index.js";
import { schedulingGates } from "../../plugins/scheduler/preEnqueue/scheduling-gates/index.js";
import { SchedulingQueue } from "../../core/scheduler/queue.js";
import { makePod } from "./fixtures.js";

function queue(now: { t: number }, events = new Map()) {
  return new SchedulingQueue({ less: prioritySort.less, now: () => now.t, preEnqueue: [{ name: "SchedulingGates", instance: schedulingGates }], eventsByPlugin: events });
}

describe("scheduling queue", () => {
  it("pops by priority, then by arrival", async () => {
    const now = { t: 0 };
    const q = queue(now);
    q.add(makePod("low", { priority: 1 }));
    now.t = 1;
    q.add(makePod("high", { priority: 10 }));
    now.t = 2;
    q.add(makePod("low2", { priority: 1 }));
    const order = [];
    for (let i = 0; i < 3; i++) order.push((await q.pop())!.pod.metadata.name);
    expect(order).toEqual(["high", "low", "low2"]);
  });

  it("backs off 1 s doubling to 10 s per attempt", () => {
    const q = queue({ t: 0 });
    const info = { attempts: 1 } as never;
    expect(q.backoffDuration(info)).toBe(1000);
    expect(q.backoffDuration({ attempts: 3 } as never)).toBe(4000);
    expect(q.backoffDuration({ attempts: 9 } as never)).toBe(10_000);
  });

  it("keeps a rejected pod parked until an event its plugin registered, then back-off, then active", async () => {
    const now = { t: 0 };
    const q = queue(now, new Map([["NodeResourcesFit", [{ resource: "Node", action: "Add" }]]]));
    q.add(makePod("p"));
    const info = (await q.pop())!;
    info.unschedulablePlugins = new Set(["NodeResourcesFit"]);
    q.addUnschedulable(info, q.schedulingCycle() + 1);
    expect(q.pending().unschedulable).toBe(1);
    q.moveOnEvent({ resource: "Pod", action: "Update" });
    expect(q.pending().unschedulable).toBe(1);
    q.moveOnEvent({ resource: "Node", action: "Add" });
    expect(q.pending()).toMatchObject({ unschedulable: 0, backoff: 1 });
    now.t = 999;
    q.flush();
    expect(q.pending().backoff).toBe(1);
    now.t = 1000;
    q.flush();
    expect(q.pending()).toMatchObject({ active: 1, backoff: 0 });
  });

  it("sends a pod to back-off at once when an event arrived during its cycle", async () => {
    const q = queue({ t: 0 });
    q.add(makePod("p"));
    const info = (await q.pop())!;
    const cycle = q.schedulingCycle();
    q.moveOnEvent({ resource: "Node", action: "Add" });
    info.unschedulablePlugins = new Set(["X"]);
    q.addUnschedulable(info, cycle);
    expect(q.pending().backoff).toBe(1);
  });

  it("flushes pods parked longer than 5 minutes", async () => {
    const now = { t: 0 };
    const q = queue(now, new Map([["P", []]]));
    q.add(makePod("p"));
    const info = (await q.pop())!;
    info.unschedulablePlugins = new Set(["P"]);
    q.addUnschedulable(info, q.schedulingCycle() + 1);
    now.t = 5 * 60_000 - 1;
    q.flush();
    expect(q.pending().unschedulable).toBe(1);
    now.t = 5 * 60_000;
    q.flush();
    expect(q.pending().active).toBe(1);
  });

  it("gates pods with scheduling gates until an update removes them", async () => {
    const q = queue({ t: 0 });
    const gated = makePod("g", { spec: { schedulingGates: [{ name: "example.com/wait" }] } });
    q.add(gated);
    expect(q.pending()).toMatchObject({ gated: 1, active: 0 });
    q.update({ ...gated, spec: { ...gated.spec, schedulingGates: [] } });
    expect(q.pending()).toMatchObject({ gated: 0, active: 1 });
  });

  it("hands a pod to a waiting pop and ends waits on close", async () => {
    const q = queue({ t: 0 });
    const waiting = q.pop();
    q.add(makePod("p"));
    expect((await waiting)!.pod.metadata.name).toBe("p");
    const after = q.pop();
    q.close();
    expect(await after).toBeUndefined();
  });
});
