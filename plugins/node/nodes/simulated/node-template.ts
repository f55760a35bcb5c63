import type { KubeObject } from "../../../../core/client/index.js";
import type { SimulatedNodesArgs } from "../../../../schemas/generated/plugins/node/simulated.args.js";

export type Template = NonNullable<SimulatedNodesArgs["template"]>;

/** `{index}` and `{index%N}` in a label value, so that one template spreads nodes over zones. */
export function expandIndex(value: string, index: number): string {
  return value.replace(/\{index(?:%(\d+))?\}/g, (_m, mod: string | undefined) => String(mod ? index % Number(mod) : index));
}

/** The Ready condition and its healthy siblings, as a kubelet reports them. */
export function nodeConditions(now: string): Record<string, unknown>[] {
  const ok = (type: string, reason: string, message: string) => ({ type, status: "False", reason, message, lastHeartbeatTime: now, lastTransitionTime: now });
  return [
    ok("MemoryPressure", "KubeletHasSufficientMemory", "kubelet has sufficient memory available"),
    ok("DiskPressure", "KubeletHasNoDiskPressure", "kubelet has no disk pressure"),
    ok("PIDPressure", "KubeletHasSufficientPID", "kubelet has sufficient PID available"),
    { type: "Ready", status: "True", reason: "KubeletReady", message: "kubelet is posting ready status", lastHeartbeatTime: now, lastTransitionTime: now },
  ];
}

/** The Node object of index `index`, with its status (capacity, allocatable, Ready, addresses). */
export function simulatedNode(name: string, index: number, template: Template, address: string, now: string): KubeObject & { status: Record<string, unknown> } {
  const labels: Record<string, string> = {
    "kubernetes.io/hostname": name,
    "kubernetes.io/os": "linux",
    "kubernetes.io/arch": "amd64",
    type: "kwok",
  };
  for (const [k, v] of Object.entries(template.labels ?? {})) labels[k] = expandIndex(v, index);
  const capacity = template.capacity ?? {};
  return {
    apiVersion: "v1",
    kind: "Node",
    metadata: {
      name,
      labels,
      annotations: { "node.alpha.kubernetes.io/ttl": "0", "kwok.x-k8s.io/node": "fake", ...(template.annotations ?? {}) },
    },
    spec: { ...(template.taints?.length ? { taints: template.taints } : {}) },
    status: {
      capacity,
      allocatable: template.allocatable ?? capacity,
      conditions: nodeConditions(now),
      addresses: [
        { type: "InternalIP", address },
        { type: "Hostname", address: name },
      ],
      daemonEndpoints: { kubeletEndpoint: { Port: 10250 } },
      nodeInfo: {
        architecture: "amd64",
        operatingSystem: "linux",
        kubeletVersion: "v1.32.0-kitbash-simulated",
        kubeProxyVersion: "",
        containerRuntimeVersion: "simulated://1.0",
        kernelVersion: "",
        osImage: "",
        machineID: "",
        systemUUID: "",
        bootID: "",
      },
      phase: "Running",
    },
  };
}
