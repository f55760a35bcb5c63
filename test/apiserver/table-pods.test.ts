import { describe, expect, it } from "vitest";
import { podColumns } from "../../core/apiserver/http/table-pods.js";
import type { KubeObj } from "../../core/apiserver/registry/strategy.js";

const now = Date.parse("2026-01-01T00:10:00Z");
const row = (p: KubeObj) => podColumns.slice(0, 4).map((c) => c.cell(p, now));
const pod = (spec: Record<string, any>, status: Record<string, any>, meta: Record<string, any> = {}): KubeObj => ({
  metadata: { name: "p", creationTimestamp: "2026-01-01T00:00:00Z", ...meta },
  spec: { containers: [{ name: "app" }], ...spec },
  status,
});
const running = { running: { startedAt: "2026-01-01T00:01:00Z" } };

describe("pod rows as upstream's printPod makes them", () => {
  it.each([
    ["pending, unscheduled", pod({}, { phase: "Pending" }), ["p", "0/1", "Pending", "0"]],
    ["running and ready", pod({}, { phase: "Running", containerStatuses: [{ name: "app", ready: true, restartCount: 0, state: running }] }), ["p", "1/1", "Running", "0"]],
    ["creating a container", pod({}, { phase: "Pending", containerStatuses: [{ name: "app", ready: false, restartCount: 0, state: { waiting: { reason: "ContainerCreating" } } }] }), ["p", "0/1", "ContainerCreating", "0"]],
    [
      "crash looping, the last restart five minutes ago",
      pod({}, { phase: "Running", containerStatuses: [{ name: "app", ready: false, restartCount: 5, state: { waiting: { reason: "CrashLoopBackOff" } }, lastState: { terminated: { exitCode: 1, finishedAt: "2026-01-01T00:05:00Z" } } }] }),
      ["p", "0/1", "CrashLoopBackOff", "5 (5m ago)"],
    ],
    ["completed", pod({}, { phase: "Succeeded", containerStatuses: [{ name: "app", ready: false, restartCount: 0, state: { terminated: { exitCode: 0, reason: "Completed" } } }] }), ["p", "0/1", "Completed", "0"]],
    ["killed by a signal", pod({}, { phase: "Failed", containerStatuses: [{ name: "app", ready: false, restartCount: 0, state: { terminated: { exitCode: 137, signal: 9 } } }] }), ["p", "0/1", "Signal:9", "0"]],
    [
      "one container done, one running but the pod not ready",
      pod({ containers: [{ name: "a" }, { name: "b" }] }, { phase: "Running", conditions: [{ type: "Ready", status: "False" }], containerStatuses: [{ name: "a", ready: false, restartCount: 0, state: { terminated: { exitCode: 0, reason: "Completed" } } }, { name: "b", ready: true, restartCount: 0, state: running }] }),
      ["p", "1/2", "NotReady", "0"],
    ],
    ["the first of two init containers running", pod({ initContainers: [{ name: "i1" }, { name: "i2" }] }, { phase: "Pending", initContainerStatuses: [{ name: "i1", ready: false, restartCount: 0, state: running }, { name: "i2", state: { waiting: { reason: "PodInitializing" } } }] }), ["p", "0/1", "Init:0/2", "0"]],
    ["an init container that cannot pull", pod({ initContainers: [{ name: "i1" }] }, { phase: "Pending", initContainerStatuses: [{ name: "i1", ready: false, restartCount: 0, state: { waiting: { reason: "ErrImagePull" } } }] }), ["p", "0/1", "Init:ErrImagePull", "0"]],
    ["an init container that failed", pod({ initContainers: [{ name: "i1" }] }, { phase: "Pending", initContainerStatuses: [{ name: "i1", ready: false, restartCount: 2, state: { terminated: { exitCode: 3 } } }] }), ["p", "0/1", "Init:ExitCode:3", "2"]],
    [
      "a started sidecar counts among the containers",
      pod({ initContainers: [{ name: "proxy", restartPolicy: "Always" }] }, { phase: "Running", conditions: [{ type: "Initialized", status: "True" }], initContainerStatuses: [{ name: "proxy", ready: true, started: true, restartCount: 1, state: running }], containerStatuses: [{ name: "app", ready: true, restartCount: 0, state: running }] }),
      ["p", "2/2", "Running", "1"],
    ],
    ["gated from scheduling", pod({ schedulingGates: [{ name: "wait" }] }, { phase: "Pending", conditions: [{ type: "PodScheduled", status: "False", reason: "SchedulingGated" }] }), ["p", "0/1", "SchedulingGated", "0"]],
    ["being deleted", pod({}, { phase: "Running" }, { deletionTimestamp: "2026-01-01T00:09:00Z" }), ["p", "0/1", "Terminating", "0"]],
    ["evicted", pod({}, { phase: "Failed", reason: "Evicted" }), ["p", "0/1", "Evicted", "0"]],
  ])("%s", (_, p, want) => {
    expect(row(p)).toEqual(want);
  });

  it("-o wide gives the first pod IP, the node and readiness gates met", () => {
    const p = pod({ nodeName: "n1", readinessGates: [{ conditionType: "lb/ready" }, { conditionType: "x" }] }, { phase: "Running", podIPs: [{ ip: "10.0.0.5" }, { ip: "fd00::5" }], conditions: [{ type: "lb/ready", status: "True" }] });
    expect(podColumns.slice(5).map((c) => c.cell(p, now))).toEqual(["10.0.0.5", "n1", "<none>", "1/2"]);
  });
});
