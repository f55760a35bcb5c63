import { isConflict, isNotFound, Resources, SharedInformer, type KubeClient } from "../client/index.js";
import type { Logger } from "../kernel/logging.js";
import type { Node, Pod, PodStatus } from "./api-types.js";
import { CrashBackoff } from "./crash-backoff.js";
import type { RuntimeService } from "./cri/runtime-service.js";
import type { VersionResponse } from "./cri/types.js";
import { PodUidLabel } from "./labels.js";
import { NodeLease } from "./node-lease.js";
import { hostIPv4, initialNode, nodeStatus, type NodeFacts } from "./node-status.js";
import type { ProbePlugin, VolumePlugin } from "./plugin-api.js";
import { PodSync } from "./pod-sync.js";
import { PodWorkers } from "./pod-workers.js";
import { ProbeManager } from "./probe-manager.js";
import { VolumeManager } from "./volume-manager.js";
import { KubeletServer } from "./kubelet-server.js";

export interface KubeletOptions {
  nodeName: string;
  client: KubeClient;
  runtime: RuntimeService;
  volumes: readonly VolumePlugin[];
  probes: readonly ProbePlugin[];
  /** Holds pods' volumes (`pods/<uid>/volumes/<name>`). */
  rootDir: string;
  /** Where the runtime writes container logs (`<ns>_<pod>_<uid>/<container>/<n>.log`). */
  podLogsDir: string;
  logger: Logger;
  maxPods?: number;
  labels?: Record<string, string>;
  taints?: { key: string; value?: string; effect: string }[];
  /** Port of the kubelet API (10250 by default, 0 for any free one), published in the Node's daemonEndpoints. */
  port?: number;
  /** The CA whose client certificates may call the kubelet API (the cluster CA, which signs the API server's). */
  clientCA?: string;
  clusterDNS?: string[];
  clusterDomain?: string;
  /** PLEG relist period. */
  relistMs?: number;
  /** Every pod is synced at least this often (volumes that follow objects refresh then). */
  resyncMs?: number;
  nodeStatusMs?: number;
  kubeletVersion?: string;
}

/**
 * The kubelet's core loop: registers the Node and keeps its Lease and status, watches the pods
 * bound to it, and keeps each in step with the runtime through one serialized worker per pod,
 * woken by the watch, by a relist of the runtime's state (PLEG), by probes and by timers.
 */
export class KubeletMain {
  private readonly podInformer: SharedInformer<Pod>;
  private readonly uidToKey = new Map<string, string>();
  private readonly workers: PodWorkers;
  private readonly podSync: PodSync;
  private readonly probes: ProbeManager;
  private readonly volumes: VolumeManager;
  private lease: NodeLease | undefined;
  private readonly abort = new AbortController();
  private readonly timers: NodeJS.Timeout[] = [];
  private relistSnapshot = new Map<string, string>();
  private version: VersionResponse | undefined;
  private nodeFacts: NodeFacts | undefined;
  private node: Node | undefined;
  private server: KubeletServer | undefined;

  constructor(private readonly o: KubeletOptions) {
    this.podInformer = new SharedInformer<Pod>(o.client.resource<Pod>(Resources.pods), {
      fieldSelector: `spec.nodeName=${o.nodeName}`,
      logger: o.logger,
    });
    this.workers = new PodWorkers((uid) => this.syncPod(uid));
    this.probes = new ProbeManager(o.probes, o.runtime, o.logger, (uid) => this.workers.update(uid));
    this.volumes = new VolumeManager(o.volumes, o.rootDir, o.client);
    const dnsSearch = o.clusterDomain ? [`svc.${o.clusterDomain}`, o.clusterDomain] : [];
    this.podSync = new PodSync({
      runtime: o.runtime,
      runtimeName: () => this.version?.runtime_name ?? "cri",
      client: o.client,
      volumes: this.volumes,
      probes: this.probes,
      crashBackoff: new CrashBackoff(),
      pullBackoff: new CrashBackoff(),
      podLogsDir: o.podLogsDir,
      hostIP: hostIPv4,
      dns: { servers: o.clusterDNS ?? [], searches: dnsSearch },
      allocatable: () => this.node?.status?.allocatable ?? {},
      logger: o.logger,
      now: () => Date.now(),
      requeue: (uid, ms) => this.workers.updateAfter(uid, ms),
    });
  }

  /** The pods this kubelet runs, as the informer holds them (for the kubelet API's /pods). */
  pods(): Pod[] {
    return this.podInformer.store.list();
  }

  get runtime(): RuntimeService {
    return this.o.runtime;
  }
  get podLogsDir(): string {
    return this.o.podLogsDir;
  }

  async start(): Promise<void> {
    this.version = await this.o.runtime.version();
    this.server = new KubeletServer(this, { nodeName: this.o.nodeName, port: this.o.port ?? 10250, ...(this.o.clientCA ? { clientCA: this.o.clientCA } : {}) });
    const port = await this.server.start();
    this.nodeFacts = {
      name: this.o.nodeName,
      maxPods: this.o.maxPods ?? 110,
      labels: this.o.labels ?? {},
      taints: this.o.taints ?? [],
      port,
      kubeletVersion: this.o.kubeletVersion ?? "v1.32.0",
      version: this.version,
    };
    await this.registerNode();
    this.lease = new NodeLease(this.o.client, { name: this.o.nodeName, uid: this.node!.metadata.uid! }, this.o.logger);
    this.lease.start();
    this.every(this.o.nodeStatusMs ?? 10_000, () => this.updateNodeStatus());

    this.podInformer.addEventHandler({
      onAdd: (pod) => this.track(pod),
      onUpdate: (_old, pod) => this.track(pod),
      onDelete: (pod) => {
        this.uidToKey.delete(pod.metadata.uid!);
        this.workers.update(pod.metadata.uid!);
      },
    });
    this.podInformer.start(this.abort.signal);
    await this.podInformer.waitForSync();
    this.every(this.o.relistMs ?? 1000, () => this.relist());
    this.every(this.o.resyncMs ?? 10_000, async () => {
      for (const uid of this.uidToKey.keys()) this.workers.update(uid);
    });
  }

  async stop(): Promise<void> {
    for (const t of this.timers) clearTimeout(t);
    this.abort.abort();
    this.lease?.stop();
    this.probes.stopAll();
    await this.server?.stop();
    await this.workers.stop();
  }

  private every(ms: number, fn: () => Promise<void>): void {
    const slot = this.timers.length;
    const tick = async () => {
      await fn().catch((err: Error) => this.o.logger.warn({ err: err.message }, "kubelet loop failed"));
      if (!this.abort.signal.aborted) this.timers[slot] = setTimeout(() => void tick(), ms);
    };
    this.timers.push(setTimeout(() => void tick(), ms));
  }

  private track(pod: Pod): void {
    this.uidToKey.set(pod.metadata.uid!, `${pod.metadata.namespace}/${pod.metadata.name}`);
    this.workers.update(pod.metadata.uid!);
  }

  private podByUid(uid: string): Pod | undefined {
    const key = this.uidToKey.get(uid);
    return key ? this.podInformer.store.get(key) : undefined;
  }

  private async registerNode(): Promise<void> {
    const nodes = this.o.client.resource<Node>(Resources.nodes);
    const conditions = await this.o.runtime.status();
    try {
      this.node = await nodes.create(initialNode(this.nodeFacts!));
      this.o.logger.info({ node: this.o.nodeName }, "registered node");
    } catch (err) {
      if (!isConflict(err) && (err as { code?: number }).code !== 409) throw err;
      this.node = await nodes.get(this.o.nodeName);
    }
    this.node = await nodes.patchStatus(this.o.nodeName, "merge", { status: nodeStatus(this.nodeFacts!, conditions, this.node.status, Date.now()) });
  }

  private async updateNodeStatus(): Promise<void> {
    const conditions = await this.o.runtime.status();
    this.node = await this.o.client
      .resource<Node>(Resources.nodes)
      .patchStatus(this.o.nodeName, "merge", { status: nodeStatus(this.nodeFacts!, conditions, this.node?.status, Date.now()) });
  }

  /** PLEG: compares the runtime's containers and sandboxes with the last relist and wakes the pods that changed. */
  private async relist(): Promise<void> {
    const [containers, sandboxes] = await Promise.all([this.o.runtime.listContainers(), this.o.runtime.listPodSandbox()]);
    const next = new Map<string, string>();
    for (const c of containers) next.set(c.id, `${c.labels[PodUidLabel]}|${c.state}`);
    for (const s of sandboxes) next.set(s.id, `${s.labels[PodUidLabel]}|${s.state}`);
    const changed = new Set<string>();
    for (const [id, v] of next) if (this.relistSnapshot.get(id) !== v) changed.add(v.split("|")[0]!);
    for (const [id, v] of this.relistSnapshot) if (!next.has(id)) changed.add(v.split("|")[0]!);
    this.relistSnapshot = next;
    // Runtime objects of pods this node no longer has (deleted while the kubelet was away) are orphans.
    for (const v of next.values()) {
      const uid = v.split("|")[0]!;
      if (uid && !this.uidToKey.has(uid)) changed.add(uid);
    }
    for (const uid of changed) if (uid) this.workers.update(uid);
  }

  private async syncPod(uid: string): Promise<void> {
    try {
      const pod = this.podByUid(uid);
      if (!pod) return await this.cleanUpGone(uid);
      if (pod.metadata.deletionTimestamp) return await this.terminate(pod);
      const status = await this.podSync.syncPod(pod);
      await this.writeStatus(pod, status);
    } catch (err) {
      this.o.logger.warn({ pod: this.uidToKey.get(uid) ?? uid, err: (err as Error).message }, "pod sync failed; retrying");
      this.workers.updateAfter(uid, 2000);
    }
  }

  private async cleanUpGone(uid: string): Promise<void> {
    this.probes.forget(uid);
    const state = await this.podSync.killPod(uid, 2);
    if (state.containers.length || state.sandboxes.length) await this.podSync.removePod(uid);
    await this.volumes.removePodDir(uid);
  }

  /** Graceful termination: preStop, SIGTERM, SIGKILL after the grace period; then the pod object is removed. */
  private async terminate(pod: Pod): Promise<void> {
    const uid = pod.metadata.uid!;
    this.probes.forget(uid);
    const grace = pod.metadata.deletionGracePeriodSeconds ?? pod.spec.terminationGracePeriodSeconds ?? 30;
    const state = await this.podSync.killPod(uid, grace, pod);
    const status = this.podSync.status(pod, state, new Map());
    await this.writeStatus(pod, status).catch(() => undefined);
    await this.podSync.removePod(uid);
    await this.volumes.tearDown(pod);
    try {
      await this.o.client.resource<Pod>(Resources.pods, pod.metadata.namespace).delete(pod.metadata.name!, { gracePeriodSeconds: 0, preconditions: { uid } });
    } catch (err) {
      if (!isNotFound(err) && !isConflict(err)) throw err;
    }
  }

  private async writeStatus(pod: Pod, status: PodStatus): Promise<void> {
    if (JSON.stringify(pod.status ?? {}) === JSON.stringify({ ...(pod.status ?? {}), ...status })) return;
    try {
      await this.o.client.resource<Pod>(Resources.pods, pod.metadata.namespace).patchStatus(pod.metadata.name!, "merge", { status });
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
  }
}
