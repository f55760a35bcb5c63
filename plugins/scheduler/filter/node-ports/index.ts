import { definePlugin } from "../../../../core/kernel/define-plugin.js";
import { hostPorts, type HostPort } from "../../../../core/scheduler/node-info.js";
import { Scheduler, type FilterPlugin } from "../../../../core/scheduler/points.js";
import { Status } from "../../../../core/scheduler/status.js";

export const ERR_REASON = "node(s) didn't have free ports for the requested pod ports";

/** Two host ports clash on the same protocol and port when their IPs are equal or either is 0.0.0.0. */
const clash = (a: HostPort, b: HostPort) => a.port === b.port && a.protocol === b.protocol && (a.ip === b.ip || a.ip === "0.0.0.0" || b.ip === "0.0.0.0");

export const nodePorts: FilterPlugin = {
  filter: (_state, pod, node) => {
    const wanted = hostPorts(pod);
    if (wanted.some((w) => node.usedPorts.some((u) => clash(w, u)))) return Status.unschedulable(ERR_REASON);
  },
  events: () => [{ resource: "Pod", action: "Delete" }, { resource: "Node", action: "Add" }],
};

export default definePlugin<Record<string, never>, unknown, FilterPlugin>({
  name: "NodePorts",
  serves: [Scheduler.filter],
  description: "Checks that the pod's host ports are free on the node",
  upstream: "kube-scheduler NodePorts",
  create: () => nodePorts,
});
