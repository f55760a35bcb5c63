import { mkdir } from "node:fs/promises";
import { join } from "node:path";
import type { KubeClient } from "../client/index.js";
import type { Logger } from "../kernel/logging.js";
import type { Container, Handler, Pod, PodStatus } from "./api-types.js";
import type { CrashBackoff } from "./crash-backoff.js";
import type { RuntimeService } from "./cri/runtime-service.js";
import type { PodSandboxConfig } from "./cri/types.js";
import { ContainerConfigError, resolveEnv } from "./env.js";
import { ContainerHashAnnotation, GracePeriodAnnotation, PreStopAnnotation } from "./labels.js";
import { computePodStatus } from "./pod-status.js";
import type { ProbeManager } from "./probe-manager.js";
import { containerConfig, containerHash, podLogDir, sandboxConfig } from "./runtime-config.js";
import { containerName, inspectPod, latest, restartCountOf, type PodRuntimeState, type RuntimeContainer } from "./runtime-state.js";
import { VolumeError, VolumeManager } from "./volume-manager.js";

export interface PodSyncDeps {
  runtime: RuntimeService;
  /** Prefix of containerIDs (`containerd://…`). */
  runtimeName: () => string;
  client: KubeClient;
  volumes: VolumeManager;
  probes: ProbeManager;
  crashBackoff: CrashBackoff;
  pullBackoff: CrashBackoff;
  podLogsDir: string;
  hostIP: () => string;
  dns: { servers: string[]; searches: string[] };
  allocatable: () => Record<string, string>;
  logger: Logger;
  now: () => number;
  /** Asks for another sync of the pod after a delay (back-off expiry). */
  requeue(uid: string, afterMs: number): void;
}

type Waiting = Map<string, { reason: string; message?: string }>;

const NS = 1e6;

/**
 * One pod's sync against the runtime, as upstream's kubeGenericRuntimeManager.SyncPod and
 * killPod: create the sandbox, run init containers in order, start and restart app containers
 * under the restart policy and back-off, and answer the status that results. Everything is
 * derived from the runtime's state, so a restarted kubelet finds and keeps what runs.
 */
export class PodSync {
  /** Image → when its last pull failed, for ImagePullBackOff. */
  private readonly lastPullFailure = new Map<string, number>();

  constructor(private readonly d: PodSyncDeps) {}

  private defaultPullPolicy(image: string): "Always" | "IfNotPresent" {
    const name = image.split("/").pop() ?? image;
    return image.includes("@") || (name.includes(":") && !name.endsWith(":latest")) ? "IfNotPresent" : "Always";
  }

  /** Makes the image present as the pull policy says; answers a waiting reason when it is not. */
  private async ensureImage(c: Container): Promise<{ reason: string; message: string } | undefined> {
    const image = c.image ?? "";
    const policy = c.imagePullPolicy ?? this.defaultPullPolicy(image);
    const present = await this.d.runtime.imageStatus(image);
    if (policy === "Never") return present ? undefined : { reason: "ErrImageNeverPull", message: `Container image "${image}" is not present with pull policy of Never` };
    if (policy === "IfNotPresent" && present) return undefined;
    const now = this.d.now();
    const key = `image/${image}`;
    const since = this.lastPullFailure.get(key);
    if (since !== undefined && this.d.pullBackoff.remaining(key, since, now) > 0) return { reason: "ImagePullBackOff", message: `Back-off pulling image "${image}"` };
    try {
      await this.d.runtime.pullImage(image);
      this.lastPullFailure.delete(key);
      return undefined;
    } catch (err) {
      this.d.pullBackoff.next(key, now);
      this.lastPullFailure.set(key, now);
      return { reason: "ErrImagePull", message: (err as Error).message };
    }
  }
  private async startContainer(pod: Pod, sandboxId: string, sandbox: PodSandboxConfig, c: Container, restartCount: number, waiting: Waiting): Promise<boolean> {
    const pull = await this.ensureImage(c);
    if (pull) {
      waiting.set(c.name, pull);
      this.d.requeue(pod.metadata.uid!, this.d.pullBackoff.delay(`image/${c.image}`) || 10_000);
      return false;
    }
    let volumes;
    let env;
    try {
      volumes = await this.d.volumes.setUp(pod);
      env = await resolveEnv(this.d.client, pod, c, this.d.allocatable());
    } catch (err) {
      if (!(err instanceof ContainerConfigError || err instanceof VolumeError)) throw err;
      waiting.set(c.name, { reason: err instanceof VolumeError ? "ContainerCreating" : "CreateContainerConfigError", message: err.message });
      this.d.requeue(pod.metadata.uid!, 5_000);
      return false;
    }
    const mounts = VolumeManager.mountsFor(c, volumes);
    await mkdir(join(podLogDir(this.d.podLogsDir, pod), c.name), { recursive: true });
    const config = containerConfig(pod, c, restartCount, env, mounts, c.image ?? "");
    const id = await this.d.runtime.createContainer(sandboxId, config, sandbox);
    await this.d.runtime.startContainer(id);
    this.d.logger.info({ pod: `${pod.metadata.namespace}/${pod.metadata.name}`, container: c.name, restartCount }, "started container");
    return true;
  }

  private async runHandler(handler: Handler, containerId: string, podIP: string, timeoutSeconds: number): Promise<void> {
    if (handler.exec?.command) {
      await this.d.runtime.execSync(containerId, handler.exec.command, timeoutSeconds).catch(() => undefined);
    } else if (handler.httpGet) {
      const h = handler.httpGet;
      const url = `${(h.scheme ?? "HTTP").toLowerCase()}://${h.host ?? podIP}:${h.port}${h.path ?? "/"}`;
      await fetch(url, { signal: AbortSignal.timeout(timeoutSeconds * 1000) }).catch(() => undefined);
    } else if (handler.sleep) {
      await new Promise((r) => setTimeout(r, Math.min(handler.sleep!.seconds, timeoutSeconds) * 1000));
    }
  }

  /** Stops one container: its preStop hook within the grace period, then SIGTERM and SIGKILL after what is left. */
  async killContainer(c: RuntimeContainer, graceSeconds: number, podIP: string, spec?: Container): Promise<void> {
    if (c.state !== "CONTAINER_RUNNING" && c.state !== "CONTAINER_CREATED") return;
    const started = this.d.now();
    const preStopText = c.annotations[PreStopAnnotation];
    const preStop = spec?.lifecycle?.preStop ?? (preStopText ? (JSON.parse(preStopText) as Handler) : undefined);
    if (preStop && c.state === "CONTAINER_RUNNING" && graceSeconds > 0) await this.runHandler(preStop, c.id, podIP, graceSeconds);
    const spent = Math.floor((this.d.now() - started) / 1000);
    // Upstream leaves at least 2 s after a preStop hook for SIGTERM to work.
    const left = graceSeconds <= 0 ? 0 : Math.max(preStop ? 2 : 1, graceSeconds - spent);
    await this.d.runtime.stopContainer(c.id, left);
  }

  /** Kills every container of the pod (in parallel, each with the grace period), then its sandboxes. */
  async killPod(uid: string, graceSeconds: number | undefined, pod?: Pod): Promise<PodRuntimeState> {
    const state = await inspectPod(this.d.runtime, uid);
    const podIP = state.sandboxes[0]?.network?.ip ?? "";
    await Promise.all(
      state.containers.map((c) => {
        const spec = pod?.spec.containers.find((s) => s.name === containerName(c));
        const grace = graceSeconds ?? (Number(c.annotations[GracePeriodAnnotation]) || 30);
        return this.killContainer(c, grace, podIP, spec);
      }),
    );
    for (const s of state.sandboxes) if (s.state === "SANDBOX_READY") await this.d.runtime.stopPodSandbox(s.id);
    return inspectPod(this.d.runtime, uid);
  }

  /** Removes every container and sandbox of a pod that is gone (after it was killed). */
  async removePod(uid: string): Promise<void> {
    const state = await inspectPod(this.d.runtime, uid);
    for (const c of state.containers) await this.d.runtime.removeContainer(c.id).catch(() => undefined);
    for (const s of state.sandboxes) await this.d.runtime.removePodSandbox(s.id).catch(() => undefined);
  }

  /** Keeps the newest exited container of each name (for `logs --previous`) and removes older ones. */
  private async collectGarbage(state: PodRuntimeState): Promise<void> {
    const seen = new Map<string, number>();
    for (const c of state.containers) {
      const name = containerName(c);
      const n = (seen.get(name) ?? 0) + 1;
      seen.set(name, n);
      if (n > 2 && c.state === "CONTAINER_EXITED") await this.d.runtime.removeContainer(c.id).catch(() => undefined);
    }
    for (const s of state.sandboxes.slice(1)) if (s.state === "SANDBOX_NOTREADY") await this.d.runtime.removePodSandbox(s.id).catch(() => undefined);
  }

  private restartWanted(pod: Pod, c: RuntimeContainer): boolean {
    const policy = pod.spec.restartPolicy ?? "Always";
    return policy === "Always" || (policy === "OnFailure" && c.exit_code !== 0);
  }

  /** Restarts an exited container unless its back-off still runs (then it waits in CrashLoopBackOff). */
  private async restart(pod: Pod, sandboxId: string, sandbox: PodSandboxConfig, spec: Container, cur: RuntimeContainer, waiting: Waiting): Promise<void> {
    const key = `${pod.metadata.uid}/${spec.name}`;
    const now = this.d.now();
    const left = this.d.crashBackoff.remaining(key, Math.floor(cur.finished_at / NS), now);
    if (left > 0) {
      const delay = Math.round(this.d.crashBackoff.delay(key) / 1000);
      waiting.set(spec.name, {
        reason: "CrashLoopBackOff",
        message: `back-off ${delay < 60 ? `${delay}s` : `${Math.floor(delay / 60)}m${delay % 60}s`} restarting failed container=${spec.name} pod=${pod.metadata.name}_${pod.metadata.namespace}(${pod.metadata.uid})`,
      });
      this.d.requeue(pod.metadata.uid!, left + 50);
      return;
    }
    this.d.crashBackoff.next(key, now);
    await this.startContainer(pod, sandboxId, sandbox, spec, restartCountOf(cur) + 1, waiting);
  }

  /** Brings the pod's runtime state toward its spec; answers its status. */
  async syncPod(pod: Pod): Promise<PodStatus> {
    const uid = pod.metadata.uid!;
    const waiting: Waiting = new Map();
    let state = await inspectPod(this.d.runtime, uid);
    const terminalBefore = pod.status?.phase === "Succeeded" || pod.status?.phase === "Failed";
    let sandbox = state.sandboxes.find((s) => s.state === "SANDBOX_READY");
    const attempt = state.sandboxes.length ? Math.max(...state.sandboxes.map((s) => s.metadata.attempt)) + 1 : 0;
    const config = sandboxConfig(pod, sandbox?.metadata.attempt ?? attempt, this.d.podLogsDir, this.d.dns);

    if (!sandbox && !terminalBefore) {
      // A lost sandbox takes its containers with it: kill what is left, then start over.
      for (const c of state.containers) await this.killContainer(c, 0, "");
      try {
        await this.d.volumes.setUp(pod);
      } catch (err) {
        if (!(err instanceof VolumeError)) throw err;
        for (const c of pod.spec.containers) waiting.set(c.name, { reason: "ContainerCreating", message: err.message });
        this.d.requeue(uid, 5_000);
        return this.status(pod, state, waiting);
      }
      await mkdir(config.log_directory, { recursive: true });
      const id = await this.d.runtime.runPodSandbox(config);
      this.d.logger.info({ pod: `${pod.metadata.namespace}/${pod.metadata.name}`, sandbox: id }, "started sandbox");
      state = await inspectPod(this.d.runtime, uid);
      sandbox = state.sandboxes.find((s) => s.id === id);
    }
    if (!sandbox) return this.status(pod, state, waiting);
    const sandboxId = sandbox.id;

    if (!terminalBefore) {
      // Volumes that follow API objects (configMap, secret, projected) refresh on every sync.
      await this.d.volumes.setUp(pod).catch((err: Error) => this.d.logger.warn({ pod: pod.metadata.name, err: err.message }, "volume refresh failed"));
      const initDone = await this.syncInitContainers(pod, state, sandboxId, config, waiting);
      if (initDone) await this.syncAppContainers(pod, state, sandboxId, config, waiting);
      await this.collectGarbage(await inspectPod(this.d.runtime, uid));
      state = await inspectPod(this.d.runtime, uid);
    }
    const podIP = sandbox.network?.ip ?? "";
    const running = new Map<string, { id: string; podIP: string }>();
    for (const c of pod.spec.containers) {
      const cur = latest(state, c.name, sandboxId);
      if (cur?.state === "CONTAINER_RUNNING") running.set(c.name, { id: cur.id, podIP });
    }
    this.d.probes.sync(pod, running);
    const status = this.status(pod, state, waiting);
    if ((status.phase === "Succeeded" || status.phase === "Failed") && sandbox.state === "SANDBOX_READY") {
      // A finished pod keeps its containers (for logs) but not its sandbox.
      this.d.probes.forget(uid);
      await this.d.runtime.stopPodSandbox(sandboxId);
    }
    return status;
  }

  /** Runs init containers one at a time, in order; answers whether all have succeeded. */
  private async syncInitContainers(pod: Pod, state: PodRuntimeState, sandboxId: string, config: PodSandboxConfig, waiting: Waiting): Promise<boolean> {
    for (const spec of pod.spec.initContainers ?? []) {
      const cur = latest(state, spec.name, sandboxId);
      if (!cur) {
        const before = latest(state, spec.name);
        await this.startContainer(pod, sandboxId, config, spec, before ? restartCountOf(before) + 1 : 0, waiting);
        return false;
      }
      if (cur.state === "CONTAINER_RUNNING" || cur.state === "CONTAINER_CREATED") return false;
      if (cur.exit_code === 0) continue;
      if ((pod.spec.restartPolicy ?? "Always") === "Never") return false;
      await this.restart(pod, sandboxId, config, spec, cur, waiting);
      return false;
    }
    return true;
  }

  private async syncAppContainers(pod: Pod, state: PodRuntimeState, sandboxId: string, config: PodSandboxConfig, waiting: Waiting): Promise<void> {
    const podIP = state.sandboxes.find((s) => s.id === sandboxId)?.network?.ip ?? "";
    await Promise.all(
      pod.spec.containers.map(async (spec) => {
        let cur = latest(state, spec.name, sandboxId);
        if (!cur) {
          const before = latest(state, spec.name);
          await this.startContainer(pod, sandboxId, config, spec, before ? restartCountOf(before) + 1 : 0, waiting);
          return;
        }
        if (cur.state === "CONTAINER_RUNNING") {
          const changed = cur.annotations[ContainerHashAnnotation] !== containerHash(spec);
          const unhealthy = this.d.probes.livenessFailed(cur.id);
          if (!changed && !unhealthy) return;
          this.d.logger.info({ pod: pod.metadata.name, container: spec.name }, changed ? "container spec changed; restarting" : "liveness probe failed; restarting");
          const grace = spec.livenessProbe?.terminationGracePeriodSeconds ?? pod.spec.terminationGracePeriodSeconds ?? 30;
          await this.killContainer(cur, grace, podIP, spec);
          cur = (await inspectPod(this.d.runtime, pod.metadata.uid!)).containers.find((c) => c.id === cur!.id) ?? cur;
          if (!this.restartWanted(pod, cur)) return;
          await this.startContainer(pod, sandboxId, config, spec, restartCountOf(cur) + 1, waiting);
          return;
        }
        if (cur.state !== "CONTAINER_EXITED") return;
        if (!this.restartWanted(pod, cur)) return;
        await this.restart(pod, sandboxId, config, spec, cur, waiting);
      }),
    );
  }

  status(pod: Pod, state: PodRuntimeState, waiting: Waiting): PodStatus {
    return computePodStatus({
      pod,
      state,
      sandbox: state.sandboxes[0],
      hostIP: this.d.hostIP(),
      runtimeName: this.d.runtimeName(),
      waiting,
      ready: (id) => this.d.probes.ready(id),
      started: (id) => this.d.probes.started(id),
      now: this.d.now(),
    });
  }
}
