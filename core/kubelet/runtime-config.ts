import { createHash } from "node:crypto";
import { join } from "node:path";
import { milliValue, parseQuantity } from "../api/quantity.js";
import type { Container, Pod } from "./api-types.js";
import type { ContainerConfig, LinuxContainerResources, Mount, PodSandboxConfig } from "./cri/types.js";
import { expand } from "./env.js";
import * as L from "./labels.js";

/** `<namespace>_<name>_<uid>` under the pod logs folder, as upstream lays out /var/log/pods. */
export function podLogDir(podLogsDir: string, pod: Pod): string {
  return join(podLogsDir, `${pod.metadata.namespace}_${pod.metadata.name}_${pod.metadata.uid}`);
}

/** A container's log relative to its pod's log folder: `<name>/<restartCount>.log`. */
export function containerLogPath(name: string, restartCount: number): string {
  return join(name, `${restartCount}.log`);
}

export function podLabels(pod: Pod): Record<string, string> {
  return {
    ...(pod.metadata.labels ?? {}),
    [L.PodNameLabel]: pod.metadata.name ?? "",
    [L.PodNamespaceLabel]: pod.metadata.namespace ?? "",
    [L.PodUidLabel]: pod.metadata.uid ?? "",
  };
}

export function sandboxConfig(pod: Pod, attempt: number, podLogsDir: string, dns: { servers: string[]; searches: string[] }): PodSandboxConfig {
  const hostNetwork = pod.spec.hostNetwork === true;
  return {
    metadata: { name: pod.metadata.name ?? "", uid: pod.metadata.uid ?? "", namespace: pod.metadata.namespace ?? "", attempt },
    hostname: hostNetwork ? "" : (pod.spec.hostname ?? pod.metadata.name ?? "").slice(0, 63),
    log_directory: podLogDir(podLogsDir, pod),
    dns_config: { servers: dns.servers, searches: dns.searches, options: dns.servers.length ? ["ndots:5"] : [] },
    port_mappings: pod.spec.containers.flatMap((c) =>
      (c.ports ?? [])
        .filter((p) => p.hostPort)
        .map((p) => ({ protocol: p.protocol ?? "TCP", container_port: p.containerPort, host_port: p.hostPort!, host_ip: p.hostIP ?? "" })),
    ),
    labels: { ...podLabels(pod), [L.ContainerNameLabel]: L.SandboxContainerName },
    annotations: { ...(pod.metadata.annotations ?? {}) },
    linux: {
      security_context: {
        namespace_options: { network: hostNetwork ? "NODE" : "POD", pid: pod.spec.hostPID ? "NODE" : "CONTAINER", ipc: pod.spec.hostIPC ? "NODE" : "POD" },
      },
    },
  };
}

/** Hash of what makes a container what it is; a changed spec (a new image, say) restarts it. */
export function containerHash(c: Container): string {
  const { name, image, command, args, workingDir, env, envFrom, ports, volumeMounts, securityContext, stdin, tty } = c;
  const text = JSON.stringify({ name, image, command, args, workingDir, env, envFrom, ports, volumeMounts, securityContext, stdin, tty });
  return String(parseInt(createHash("sha256").update(text).digest("hex").slice(0, 8), 16));
}

/** Limits and requests as runc takes them, with upstream's conversions (shares from requests, quota from limits). */
export function linuxResources(c: Container): LinuxContainerResources {
  const r: LinuxContainerResources = { cpu_period: 100_000 };
  const cpuRequest = c.resources?.requests?.cpu ?? c.resources?.limits?.cpu;
  r.cpu_shares = cpuRequest ? Math.max(2, Math.floor((milliValue(cpuRequest) * 1024) / 1000)) : 2;
  const cpuLimit = c.resources?.limits?.cpu;
  if (cpuLimit) r.cpu_quota = Math.max(1000, Math.floor((milliValue(cpuLimit) * 100_000) / 1000));
  const memory = c.resources?.limits?.memory;
  if (memory) r.memory_limit_in_bytes = Math.floor(parseQuantity(memory));
  return r;
}

export function containerConfig(
  pod: Pod,
  c: Container,
  restartCount: number,
  env: Map<string, string>,
  mounts: Mount[],
  image: string,
): ContainerConfig {
  const expandAll = (xs: string[] | undefined) => (xs ?? []).map((x) => expand(x, env));
  const sc = c.securityContext;
  return {
    metadata: { name: c.name, attempt: restartCount },
    image: { image },
    command: expandAll(c.command),
    args: expandAll(c.args),
    working_dir: c.workingDir ?? "",
    envs: [...env].map(([key, value]) => ({ key, value })),
    mounts,
    labels: {
      [L.PodNameLabel]: pod.metadata.name ?? "",
      [L.PodNamespaceLabel]: pod.metadata.namespace ?? "",
      [L.PodUidLabel]: pod.metadata.uid ?? "",
      [L.ContainerNameLabel]: c.name,
    },
    annotations: {
      [L.ContainerHashAnnotation]: containerHash(c),
      [L.RestartCountAnnotation]: String(restartCount),
      [L.TerminationMessagePathAnnotation]: c.terminationMessagePath ?? "/dev/termination-log",
      [L.TerminationMessagePolicyAnnotation]: c.terminationMessagePolicy ?? "File",
      [L.GracePeriodAnnotation]: String(pod.spec.terminationGracePeriodSeconds ?? 30),
      ...(c.lifecycle?.preStop ? { [L.PreStopAnnotation]: JSON.stringify(c.lifecycle.preStop) } : {}),
    },
    log_path: containerLogPath(c.name, restartCount),
    stdin: c.stdin ?? false,
    tty: c.tty ?? false,
    linux: {
      resources: linuxResources(c),
      security_context: {
        privileged: sc?.privileged ?? false,
        ...(sc?.runAsUser !== undefined ? { run_as_user: { value: sc.runAsUser } } : {}),
        ...(sc?.runAsGroup !== undefined ? { run_as_group: { value: sc.runAsGroup } } : {}),
        readonly_rootfs: sc?.readOnlyRootFilesystem ?? false,
        ...(sc?.capabilities ? { capabilities: { add_capabilities: sc.capabilities.add ?? [], drop_capabilities: sc.capabilities.drop ?? [] } } : {}),
        namespace_options: { network: pod.spec.hostNetwork ? "NODE" : "POD", pid: pod.spec.hostPID ? "NODE" : "CONTAINER", ipc: pod.spec.hostIPC ? "NODE" : "POD" },
      },
    },
  };
}
