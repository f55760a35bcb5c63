import type { KubeObject } from "../../../../core/client/index.js";

interface Container {
  name: string;
  image?: string;
}

interface PodShape extends KubeObject {
  spec?: { containers?: Container[]; initContainers?: Container[] };
  status?: { conditions?: { type: string }[] };
}

/**
 * The status a kubelet reports once every container of `pod` has started (`failed`: exited 1
 * instead): phase, the pod conditions, IPs, and one status per container.
 */
export function startedPodStatus(pod: KubeObject, hostIP: string, podIP: string, now: string, failed: boolean): Record<string, unknown> {
  const spec = (pod as PodShape).spec ?? {};
  const ready = failed ? "False" : "True";
  const condition = (type: string, status: string, reason?: string) => ({ type, status, lastProbeTime: null, lastTransitionTime: now, ...(reason ? { reason } : {}) });
  const scheduled = (pod as PodShape).status?.conditions?.find((c) => c.type === "PodScheduled") ?? condition("PodScheduled", "True");
  const containerStatus = (c: Container, init: boolean) => ({
    name: c.name,
    image: c.image ?? "",
    imageID: `docker-pullable://${c.image ?? ""}`,
    containerID: `simulated://${pod.metadata.uid ?? pod.metadata.name}-${c.name}`,
    restartCount: 0,
    ready: init || !failed,
    started: !init && !failed,
    state:
      init || failed
        ? { terminated: { exitCode: failed ? 1 : 0, reason: failed ? "Error" : "Completed", startedAt: now, finishedAt: now, containerID: `simulated://${pod.metadata.uid}-${c.name}` } }
        : { running: { startedAt: now } },
  });
  return {
    phase: failed ? "Failed" : "Running",
    conditions: [
      condition("PodReadyToStartContainers", "True"),
      condition("Initialized", "True"),
      condition("Ready", ready, failed ? "PodFailed" : undefined),
      condition("ContainersReady", ready, failed ? "PodFailed" : undefined),
      scheduled,
    ],
    hostIP,
    hostIPs: [{ ip: hostIP }],
    podIP,
    podIPs: [{ ip: podIP }],
    startTime: now,
    ...(spec.initContainers?.length ? { initContainerStatuses: spec.initContainers.map((c) => containerStatus(c, true)) } : {}),
    containerStatuses: (spec.containers ?? []).map((c) => containerStatus(c, false)),
  };
}
