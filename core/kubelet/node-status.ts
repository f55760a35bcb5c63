import { readFileSync } from "node:fs";
import { arch, cpus, hostname, networkInterfaces, release, totalmem } from "node:os";
import { rfc3339 } from "../client/index.js";
import type { Node, NodeCondition } from "./api-types.js";
import type { RuntimeCondition, VersionResponse } from "./cri/types.js";

/** The node's first non-loopback IPv4 address (what upstream picks without --node-ip). */
export function hostIPv4(): string {
  for (const addrs of Object.values(networkInterfaces())) {
    for (const a of addrs ?? []) if (a.family === "IPv4" && !a.internal) return a.address;
  }
  return "127.0.0.1";
}

export function goArch(): string {
  const a = arch();
  return a === "x64" ? "amd64" : a === "ia32" ? "386" : a;
}

function readTrim(path: string): string {
  try {
    return readFileSync(path, "utf8").trim();
  } catch {
    return "";
  }
}

function osImage(): string {
  const m = /^PRETTY_NAME="?([^"\n]*)"?$/m.exec(readTrim("/etc/os-release"));
  return m?.[1] ?? "Linux";
}

/** Capacity from the host: every CPU, the memory in Ki, and the pod limit. */
export function hostCapacity(maxPods: number): Record<string, string> {
  return { cpu: String(cpus().length), memory: `${Math.floor(totalmem() / 1024)}Ki`, pods: String(maxPods), "ephemeral-storage": "0" };
}

export interface NodeFacts {
  name: string;
  maxPods: number;
  labels: Record<string, string>;
  taints: { key: string; value?: string; effect: string }[];
  port: number;
  kubeletVersion: string;
  version: VersionResponse;
}

/** The Node object a kubelet registers, as upstream's initialNode. */
export function initialNode(f: NodeFacts): Node {
  const os = "linux";
  return {
    apiVersion: "v1",
    kind: "Node",
    metadata: {
      name: f.name,
      labels: {
        "kubernetes.io/hostname": f.name,
        "kubernetes.io/os": os,
        "kubernetes.io/arch": goArch(),
        "beta.kubernetes.io/os": os,
        "beta.kubernetes.io/arch": goArch(),
        ...f.labels,
      },
      annotations: { "volumes.kubernetes.io/controller-managed-attach-detach": "true" },
    },
    spec: f.taints.length ? { taints: f.taints } : {},
  };
}

function cond(type: string, ok: boolean, reason: string, message: string, old: NodeCondition[] | undefined, now: number): NodeCondition {
  const status = ok ? "True" : "False";
  const before = old?.find((c) => c.type === type);
  return {
    type,
    status,
    reason,
    message,
    lastHeartbeatTime: rfc3339(now),
    lastTransitionTime: before?.status === status && before.lastTransitionTime ? before.lastTransitionTime : rfc3339(now),
  };
}

/** The node's status: capacity, conditions from the runtime's own, addresses, endpoint and node info. */
export function nodeStatus(f: NodeFacts, runtime: RuntimeCondition[], old: Node["status"], now: number): NonNullable<Node["status"]> {
  const capacity = hostCapacity(f.maxPods);
  const notReady = runtime.filter((c) => (c.type === "RuntimeReady" || c.type === "NetworkReady") && !c.status);
  const readyMessage = notReady.length
    ? `container runtime not ready: ${notReady.map((c) => `${c.type}=false reason:${c.reason} message:${c.message}`).join(", ")}`
    : "kubelet is posting ready status";
  return {
    capacity,
    allocatable: capacity,
    conditions: [
      cond("MemoryPressure", false, "KubeletHasSufficientMemory", "kubelet has sufficient memory available", old?.conditions, now),
      cond("DiskPressure", false, "KubeletHasNoDiskPressure", "kubelet has no disk pressure", old?.conditions, now),
      cond("PIDPressure", false, "KubeletHasSufficientPID", "kubelet has sufficient PID available", old?.conditions, now),
      cond("Ready", notReady.length === 0, notReady.length ? "KubeletNotReady" : "KubeletReady", readyMessage, old?.conditions, now),
    ],
    addresses: [
      { type: "InternalIP", address: hostIPv4() },
      { type: "Hostname", address: f.name },
    ],
    daemonEndpoints: { kubeletEndpoint: { Port: f.port } },
    nodeInfo: {
      machineID: readTrim("/etc/machine-id"),
      systemUUID: readTrim("/sys/class/dmi/id/product_uuid"),
      bootID: readTrim("/proc/sys/kernel/random/boot_id"),
      kernelVersion: release(),
      osImage: osImage(),
      containerRuntimeVersion: `${f.version.runtime_name}://${f.version.runtime_version}`,
      kubeletVersion: f.kubeletVersion,
      kubeProxyVersion: "",
      operatingSystem: "linux",
      architecture: goArch(),
    },
  };
}

export const defaultNodeName = (): string => hostname().toLowerCase();
