import { describe, expect, it } from "vitest";
import { SchedulerCache } from "../../core/scheduler/cache.js";
import { Framework, type ProfilePlugins } from "../../core/scheduler/framework.js";
import { SchedulingQueue } from "../../core/scheduler/queue.js";
import { Scheduler } from "../../core/scheduler/scheduler.js";
import type { Pod } from "../../core/scheduler/types.js";
import { defaultBinder } from "../../plugins/scheduler/bind/default-binder/index.js";
import { NodeResourcesFit } from "../../plugins/scheduler/filter/node-resources-fit/fit.js";
import { nodeUnschedulable } from "../../plugins/scheduler/filter/node-unschedulable/index.js";
import { prioritySort } from "../../plugins/scheduler/queueSort/priority-sort/index.js";
import { taintToleration } from "../../plugins/scheduler/filter/taint-toleration/index.js";
import { makeNode, makePod } from "./fixtures.js";

const entry = <T>(name: string, instance: T, weight = 1) => ({ name, instance, weight });

function harness() {
  const bound: [string, string][] = [];
  const failures: { pod: string; message: string; reason: string }[] = [];
  const fit = new NodeResourcesFit({});
  const binder = defaultBinder({
    client: {
      bind: async (pod: Pod, node: string) => {
        bound.push([pod.metadata.name, node]);
      },
      deletePod: async () => {},
      setNominatedNodeName: async () => {},
    },
  });
  const plugins: ProfilePlugins = {
    queueSort: entry("PrioritySort", prioritySort),
    preEnqueue: [],
    preFilter: [entry("NodeResourcesFit", fit)],
    filter: [entry("NodeUnschedulable", nodeUnschedulable), entry("TaintToleration", taintToleration), entry("NodeResourcesFit", fit)],
    postFilter: [],
    preScore: [],
    score: [entry("TaintToleration", taintToleration, 3), entry("NodeResourcesFit", fit)],
    reserve: [],
    permit: [],
    preBind: [],
    bind: [entry("DefaultBinder", binder)],
    postBind: [],
  };
  const fwk = new Framework("default-scheduler", plugins);
  const cache = new SchedulerCache();
  const clock = { t: 0 };
  const queue = new SchedulingQueue({ less: prioritySort.less, eventsByPlugin: fwk.eventsByPlugin(), now: () => clock.t });
  const scheduler = new Scheduler(new Map([["default-scheduler", fwk]]), cache, queue, {
    failed: (pod, f) => {
      failures.push({ pod: pod.metadata.name, message: f.message, reason: f.reason });
    },
  }, { random: () => 0.99 });
  return { bound, failures, cache, queue, scheduler, clock };
}

describe("scheduling cycle in memory", () => {
  it("binds pods to the least allocated node and counts assumed pods in the next cycle", async () => {
    const h = harness();
    h.cache.addNode(makeNode("a", { cpu: "2" }));
    h.cache.addNode(makeNode("b", { cpu: "2" }));
    for (const name of ["p1", "p2", "p3", "p4"]) h.queue.add(makePod(name, { cpu: "1" }));
    for (let i = 0; i < 4; i++) await h.scheduler.scheduleOne();
    await h.scheduler.idle();
    const perNode = new Map<string, number>();
    for (const [, node] of h.bound) perNode.set(node, (perNode.get(node) ?? 0) + 1);
    expect(h.bound).toHaveLength(4);
    expect(Object.fromEntries(perNode)).toEqual({ a: 2, b: 2 });
  });

  it("reports upstream's message when no node fits, and schedules once a fitting node arrives", async () => {
    const h = harness();
    h.cache.addNode(makeNode("small-1", { cpu: "1" }));
    h.cache.addNode(makeNode("small-2", { cpu: "1" }));
    h.cache.addNode(makeNode("tainted", { cpu: "8", taints: [{ key: "dedicated", value: "gpu", effect: "NoSchedule" }] }));
    h.cache.addNode(makeNode("cordoned", { cpu: "8", unschedulable: true }));
    h.queue.add(makePod("big", { cpu: "4" }));
    await h.scheduler.scheduleOne();
    expect(h.failures).toEqual([
      {
        pod: "big",
        reason: "Unschedulable",
        message: "0/4 nodes are available: 1 node(s) had untolerated taint {dedicated: gpu}, 1 node(s) were unschedulable, 2 Insufficient cpu.",
      },
    ]);
    expect(h.queue.pending().unschedulable).toBe(1);
    h.cache.addNode(makeNode("large", { cpu: "8" }));
    h.queue.moveOnEvent({ resource: "Node", action: "Add" });
    // The first retry waits out the 1 s back-off.
    h.queue.flush();
    expect(h.queue.pending()).toMatchObject({ backoff: 1, active: 0 });
    h.clock.t += 1000;
    h.queue.flush();
    await h.scheduler.scheduleOne();
    await h.scheduler.idle();
    expect(h.bound).toEqual([["big", "large"]]);
  });

  it("ignores pods for other schedulers", async () => {
    const h = harness();
    h.cache.addNode(makeNode("a"));
    expect(h.scheduler.responsibleFor(makePod("x", { schedulerName: "custom-scheduler" }))).toBe(false);
    expect(h.scheduler.responsibleFor(makePod("y"))).toBe(true);
  });
});
