import type { Container, Node, Pod, Taint } from "../../core/scheduler/types.js";

export function makeNode(name: string, opts: { cpu?: string; memory?: string; pods?: number; labels?: Record<string, string>; taints?: Taint[]; unschedulable?: boolean } = {}): Node {
  const allocatable = { cpu: opts.cpu ?? "4", memory: opts.memory ?? "8Gi", pods: opts.pods ?? 110 };
  return {
    metadata: { name, labels: { "kubernetes.io/hostname": name, ...opts.labels } },
    spec: { taints: opts.taints, unschedulable: opts.unschedulable },
    status: { capacity: allocatable, allocatable },
  };
}

export function makePod(name: string, opts: { cpu?: string; memory?: string; priority?: number; nodeName?: string; schedulerName?: string; containers?: Container[]; spec?: Partial<Pod["spec"]>; labels?: Record<string, string> } = {}): Pod {
  const requests: Record<string, string> = {};
  if (opts.cpu) requests.cpu = opts.cpu;
  if (opts.memory) requests.memory = opts.memory;
  return {
    metadata: { name, namespace: "default", uid: `uid-${name}`, labels: opts.labels },
    spec: {
      containers: opts.containers ?? [{ name: "c", image: "busybox", resources: { requests } }],
      priority: opts.priority,
      nodeName: opts.nodeName,
      schedulerName: opts.schedulerName,
      ...opts.spec,
    },
  };
}
