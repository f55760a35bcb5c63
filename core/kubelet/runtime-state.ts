import type { RuntimeService } from "./cri/runtime-service.js";
import type { ContainerStatus, PodSandboxStatus } from "./cri/types.js";
import { ContainerNameLabel, PodUidLabel, RestartCountAnnotation } from "./labels.js";

export type RuntimeContainer = ContainerStatus & { sandboxId: string };

/** What the runtime holds for one pod, newest first; found by the pod-uid label, so it survives a kubelet restart. */
export interface PodRuntimeState {
  sandboxes: PodSandboxStatus[];
  containers: RuntimeContainer[];
}

export async function inspectPod(runtime: RuntimeService, uid: string): Promise<PodRuntimeState> {
  const [sandboxList, containerList] = await Promise.all([
    runtime.listPodSandbox({ labels: { [PodUidLabel]: uid } }),
    runtime.listContainers({ labels: { [PodUidLabel]: uid } }),
  ]);
  const sandboxes = (await Promise.all(sandboxList.map((s) => runtime.podSandboxStatus(s.id)))).filter((s) => s !== undefined);
  const containers: RuntimeContainer[] = [];
  await Promise.all(
    containerList.map(async (c) => {
      const status = await runtime.containerStatus(c.id);
      if (status) containers.push({ ...status, sandboxId: c.pod_sandbox_id });
    }),
  );
  sandboxes.sort((a, b) => b.created_at - a.created_at);
  containers.sort((a, b) => b.created_at - a.created_at);
  return { sandboxes, containers };
}

export function containerName(c: { labels: Record<string, string>; metadata: { name: string } }): string {
  return c.labels[ContainerNameLabel] ?? c.metadata.name;
}

export function restartCountOf(c: ContainerStatus): number {
  const n = Number(c.annotations[RestartCountAnnotation]);
  return Number.isFinite(n) ? n : c.metadata.attempt;
}

/** The newest container of a name, in one sandbox when given. */
export function latest(state: PodRuntimeState, name: string, sandboxId?: string): RuntimeContainer | undefined {
  return state.containers.find((c) => containerName(c) === name && (sandboxId === undefined || c.sandboxId === sandboxId));
}

/** The newest container of a name before `after`: the one `kubectl logs --previous` reads. */
export function previous(state: PodRuntimeState, after: RuntimeContainer): RuntimeContainer | undefined {
  return state.containers.find((c) => c !== after && containerName(c) === containerName(after) && c.created_at <= after.created_at);
}

export const nsToIso = (ns: number): string | undefined => (ns > 0 ? new Date(Math.floor(ns / 1e6)).toISOString().replace(/\.\d{3}Z$/, "Z") : undefined);
