import { rfc3339 } from "../client/index.js";
import type { Container, ContainerStateDetail, ContainerStatus, Pod, PodCondition, PodStatus } from "./api-types.js";
import type { PodSandboxStatus } from "./cri/types.js";
import { latest, nsToIso, previous, restartCountOf, type PodRuntimeState, type RuntimeContainer } from "./runtime-state.js";

export interface StatusInputs {
  pod: Pod;
  state: PodRuntimeState;
  sandbox: PodSandboxStatus | undefined;
  hostIP: string;
  runtimeName: string;
  /** Why a container is waiting, where the sync knows better than the runtime (back-off, pull errors). */
  waiting: Map<string, { reason: string; message?: string }>;
  /** Readiness of a running container as its readiness probe last found it (true without a probe). */
  ready(containerId: string): boolean;
  started(containerId: string): boolean;
  now: number;
}

function detail(c: RuntimeContainer, runtimeName: string): ContainerStateDetail {
  if (c.state === "CONTAINER_RUNNING") return { running: { startedAt: nsToIso(c.started_at)! } };
  if (c.state === "CONTAINER_EXITED" || c.state === "CONTAINER_UNKNOWN") {
    return {
      terminated: {
        exitCode: c.exit_code,
        reason: c.reason || (c.exit_code === 0 ? "Completed" : "Error"),
        ...(c.message ? { message: c.message } : {}),
        ...(nsToIso(c.started_at) ? { startedAt: nsToIso(c.started_at)! } : {}),
        ...(nsToIso(c.finished_at) ? { finishedAt: nsToIso(c.finished_at)! } : {}),
        containerID: `${runtimeName}://${c.id}`,
      },
    };
  }
  return { waiting: { reason: "ContainerCreating" } };
}

function containerStatus(spec: Container, init: boolean, inp: StatusInputs): ContainerStatus {
  const cur = latest(inp.state, spec.name);
  const override = inp.waiting.get(spec.name);
  if (!cur) {
    return {
      name: spec.name,
      state: { waiting: override ?? { reason: init ? "PodInitializing" : "ContainerCreating" } },
      lastState: {},
      ready: false,
      restartCount: 0,
      image: spec.image ?? "",
      imageID: "",
      started: false,
    };
  }
  const prev = previous(inp.state, cur);
  const exited = cur.state === "CONTAINER_EXITED";
  const running = cur.state === "CONTAINER_RUNNING";
  return {
    name: spec.name,
    state: override && exited ? { waiting: override } : detail(cur, inp.runtimeName),
    lastState: override && exited ? detail(cur, inp.runtimeName) : prev ? detail(prev, inp.runtimeName) : {},
    ready: running && inp.ready(cur.id),
    restartCount: restartCountOf(cur),
    image: cur.image?.image || spec.image || "",
    imageID: cur.image_ref,
    containerID: `${inp.runtimeName}://${cur.id}`,
    started: running && inp.started(cur.id),
  };
}

/** Upstream's getPhase: from the container statuses and the restart policy. */
function phaseOf(pod: Pod, inits: ContainerStatus[], apps: ContainerStatus[]): NonNullable<PodStatus["phase"]> {
  const policy = pod.spec.restartPolicy ?? "Always";
  const initFailed = inits.some((s) => (s.state.terminated?.exitCode ?? 0) !== 0 || (s.state.waiting && s.lastState.terminated && s.lastState.terminated.exitCode !== 0));
  const initDone = inits.every((s) => s.state.terminated?.exitCode === 0);
  if (!initDone) return initFailed && policy === "Never" ? "Failed" : "Pending";
  let running = 0,
    waiting = 0,
    stopped = 0,
    succeeded = 0;
  for (const s of apps) {
    if (s.state.running) running++;
    else if (s.state.terminated) {
      stopped++;
      if (s.state.terminated.exitCode === 0) succeeded++;
    } else if (s.lastState.terminated) stopped++;
    else waiting++;
  }
  if (waiting > 0) return "Pending";
  if (running > 0) return "Running";
  if (stopped === apps.length) {
    if (policy === "Always") return "Running";
    if (policy === "OnFailure") return succeeded === stopped ? "Succeeded" : "Running";
    return succeeded === stopped ? "Succeeded" : "Failed";
  }
  return "Pending";
}

function condition(type: string, ok: boolean, old: PodCondition[] | undefined, now: number, reason?: string): PodCondition {
  const status = ok ? "True" : "False";
  const before = old?.find((c) => c.type === type);
  return {
    type,
    status,
    lastProbeTime: null,
    lastTransitionTime: before && before.status === status && before.lastTransitionTime ? before.lastTransitionTime : rfc3339(now),
    ...(reason && !ok ? { reason } : {}),
  };
}

/** The pod's status as the kubelet reports it, from the runtime's state of the pod. */
export function computePodStatus(inp: StatusInputs): PodStatus {
  const { pod, now } = inp;
  const inits = (pod.spec.initContainers ?? []).map((c) => containerStatus(c, true, inp));
  const apps = pod.spec.containers.map((c) => containerStatus(c, false, inp));
  const phase = phaseOf(pod, inits, apps);
  const old = pod.status?.conditions;
  const initialized = inits.every((s) => s.state.terminated?.exitCode === 0);
  const terminal = phase === "Succeeded" || phase === "Failed";
  const containersReady = !terminal && apps.every((s) => s.ready);
  const gates = (pod.spec.readinessGates ?? []).every((g) => old?.find((c) => c.type === g.conditionType)?.status === "True");
  const sandboxReady = inp.sandbox?.state === "SANDBOX_READY";
  const notReadyMessage = apps.filter((s) => !s.ready).map((s) => s.name);
  const conditions: PodCondition[] = [
    condition("PodReadyToStartContainers", sandboxReady, old, now),
    condition("Initialized", initialized, old, now, "ContainersNotInitialized"),
    condition("Ready", containersReady && gates, old, now, "ContainersNotReady"),
    condition("ContainersReady", containersReady, old, now, "ContainersNotReady"),
    old?.find((c) => c.type === "PodScheduled") ?? { type: "PodScheduled", status: "True", lastProbeTime: null, lastTransitionTime: rfc3339(now) },
  ];
  for (const c of conditions) {
    if (c.status === "False" && c.reason === "ContainersNotReady") c.message = `containers with unready status: [${notReadyMessage.join(" ")}]`;
    if (c.status === "False" && c.reason === "ContainersNotInitialized") {
      c.message = `containers with incomplete status: [${inits.filter((s) => s.state.terminated?.exitCode !== 0).map((s) => s.name).join(" ")}]`;
    }
  }
  const ips = inp.sandbox?.network ? [inp.sandbox.network.ip, ...inp.sandbox.network.additional_ips.map((i) => i.ip)].filter(Boolean) : [];
  const podIPs = pod.spec.hostNetwork ? [inp.hostIP] : ips.length ? ips : (pod.status?.podIPs?.map((p) => p.ip) ?? []);
  return {
    phase,
    conditions,
    hostIP: inp.hostIP,
    hostIPs: [{ ip: inp.hostIP }],
    ...(podIPs.length ? { podIP: podIPs[0], podIPs: podIPs.map((ip) => ({ ip })) } : {}),
    startTime: pod.status?.startTime ?? rfc3339(now),
    ...(inits.length ? { initContainerStatuses: inits } : {}),
    containerStatuses: apps,
    qosClass: pod.status?.qosClass ?? qosClass(pod),
  };
}

/** Upstream's QoS class: Guaranteed when every container limits cpu and memory at its requests, BestEffort with none at all. */
export function qosClass(pod: Pod): string {
  const all = [...(pod.spec.initContainers ?? []), ...pod.spec.containers];
  const any = all.some((c) => Object.keys(c.resources?.requests ?? {}).length || Object.keys(c.resources?.limits ?? {}).length);
  if (!any) return "BestEffort";
  const guaranteed = all.every((c) =>
    ["cpu", "memory"].every((r) => c.resources?.limits?.[r] !== undefined && (c.resources?.requests?.[r] ?? c.resources.limits[r]) === c.resources.limits[r]),
  );
  return guaranteed ? "Guaranteed" : "Burstable";
}
