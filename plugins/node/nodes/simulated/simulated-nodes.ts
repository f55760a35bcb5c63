import {
  Resources,
  WorkQueue,
  isAlreadyExists,
  isConflict,
  isNotFound,
  microTime,
  rfc3339,
  runWorkers,
  sleep,
  type KubeObject,
} from "../../../../core/client/index.js";
import { parseDuration, type NodeAgent, type NodeHandle } from "../../../../core/node/index.js";
import type { SimulatedNodesArgs } from "../../../../schemas/generated/plugins/node/simulated.args.js";
import { FleetAddresses } from "./addresses.js";
import { nodeConditions, simulatedNode } from "./node-template.js";
import { startedPodStatus } from "./pod-status.js";

const LEASE_NAMESPACE = "kube-node-lease";

interface PodLike extends KubeObject {
  spec?: { nodeName?: string };
  status?: { phase?: string };
}

type Work = { kind: "pod"; key: string } | { kind: "node"; index: number } | { kind: "lease"; index: number };

/**
 * kwok's fake nodes in one loop: registers `count` Nodes from the template with their Leases,
 * keeps the Leases renewed, reports pods bound to them as started, and finishes the graceful
 * deletion of their pods at once, since no container has to stop.
 */
export class SimulatedNodes implements NodeAgent {
  private readonly args: Required<Omit<SimulatedNodesArgs, "template">> & { template: NonNullable<SimulatedNodesArgs["template"]> };
  private readonly addresses: FleetAddresses;
  private readonly index = new Map<string, number>();
  private readonly podsStarted = new Map<number, number>();
  private readonly latencyMs: number;
  private readonly nodesGauge;
  private readonly podsCounter;

  constructor(
    args: SimulatedNodesArgs,
    private readonly handle: NodeHandle,
  ) {
    this.args = args as SimulatedNodes["args"];
    this.addresses = new FleetAddresses(this.args.podSubnet);
    this.latencyMs = parseDuration(this.args.podStartLatency);
    for (let i = 0; i < this.args.count; i++) this.index.set(this.name(i), i);
    this.nodesGauge = handle.metrics.gauge({ name: "kitbash_simulated_nodes", help: "Simulated Nodes registered by this process", labelNames: [] });
    this.podsCounter = handle.metrics.counter({ name: "kitbash_simulated_pod_transitions_total", help: "Pods this process took to a phase or deleted", labelNames: ["to"] });
  }

  private name(i: number): string {
    return `${this.args.namePrefix}${i}`;
  }

  async run(signal: AbortSignal): Promise<void> {
    const { informers, logger } = this.handle;
    const queue = new WorkQueue<Work>({ name: "simulated-nodes", clock: this.handle.clock });
    const keyed = new Map<string, Work>();
    // The queue de-duplicates by identity, so one object per piece of work.
    const work = (w: Work): Work => {
      const k = w.kind === "pod" ? `pod/${w.key}` : `${w.kind}/${w.index}`;
      let known = keyed.get(k);
      if (!known) keyed.set(k, (known = w));
      return known;
    };
    const pods = informers.informerFor<PodLike>(Resources.pods);
    const mine = (pod: PodLike) => pod.spec?.nodeName !== undefined && this.index.has(pod.spec.nodeName);
    pods.addEventHandler({
      onAdd: (pod) => mine(pod) && queue.add(work({ kind: "pod", key: `${pod.metadata.namespace}/${pod.metadata.name}` })),
      onUpdate: (_old, pod) => mine(pod) && queue.add(work({ kind: "pod", key: `${pod.metadata.namespace}/${pod.metadata.name}` })),
    });
    for (let i = 0; i < this.args.count; i++) queue.add(work({ kind: "node", index: i }));

    const renewMs = (this.args.leaseDurationSeconds * 1000) / 4;
    const workers = runWorkers(
      queue,
      this.args.workers,
      async (w) => {
        if (w.kind === "node") await this.register(w.index);
        else if (w.kind === "lease") {
          await this.renewLease(w.index);
          if (!signal.aborted) queue.addAfter(w, renewMs);
        } else await this.syncPod(pods.store.get(w.key), signal);
        if (w.kind === "node" && !signal.aborted) queue.addAfter(work({ kind: "lease", index: w.index }), renewMs);
      },
      { maxRetries: 15, onError: (w, err, retry) => logger.warn({ work: w, err: (err as Error).message, retry }, "simulated node work failed") },
    );
    logger.info({ count: this.args.count, prefix: this.args.namePrefix }, "simulated nodes starting");
    await new Promise<void>((resolve) => (signal.aborted ? resolve() : signal.addEventListener("abort", () => resolve(), { once: true })));
    queue.shutDown();
    await workers;
    if (this.args.deleteNodesOnStop) await this.removeAll();
  }

  /** Creates Node `i` (or reports an existing one Ready again) and its Lease. */
  private async register(i: number): Promise<void> {
    const nodes = this.handle.client.resource(Resources.nodes);
    const now = rfc3339(this.handle.clock.now());
    const node = simulatedNode(this.name(i), i, this.args.template, this.addresses.nodeIP(i), now);
    let uid: string;
    try {
      const created = await nodes.create(node);
      uid = created.metadata.uid!;
      // A server that drops status on create gets it written through /status.
      if (!(created as { status?: { conditions?: unknown[] } }).status?.conditions?.length) {
        await nodes.patchStatus(this.name(i), "merge", { status: node.status });
      }
    } catch (err) {
      if (!isAlreadyExists(err)) throw err;
      // Ours from an earlier run: report it Ready again with the template's capacity.
      const existing = await nodes.patchStatus(this.name(i), "merge", { status: { ...node.status, conditions: nodeConditions(now) } });
      uid = existing.metadata.uid!;
    }
    this.nodesGauge.inc();
    await this.writeLease(i, uid);
  }

  private leaseSpec(i: number) {
    return { holderIdentity: this.name(i), leaseDurationSeconds: this.args.leaseDurationSeconds, renewTime: microTime(this.handle.clock.now()) };
  }

  private async writeLease(i: number, nodeUid: string): Promise<void> {
    const name = this.name(i);
    const lease = {
      apiVersion: "coordination.k8s.io/v1",
      kind: "Lease",
      metadata: { name, namespace: LEASE_NAMESPACE, ownerReferences: [{ apiVersion: "v1", kind: "Node", name, uid: nodeUid }] },
      spec: this.leaseSpec(i),
    } as KubeObject;
    try {
      await this.handle.client.resource(Resources.leases, LEASE_NAMESPACE).create(lease);
    } catch (err) {
      if (!isAlreadyExists(err)) throw err;
      await this.renewLease(i);
    }
  }

  private async renewLease(i: number): Promise<void> {
    const name = this.name(i);
    try {
      await this.handle.client.resource(Resources.leases, LEASE_NAMESPACE).patch(name, "merge", { spec: this.leaseSpec(i) });
    } catch (err) {
      if (!isNotFound(err)) throw err;
      const owner = await this.handle.client.resource(Resources.nodes).get(name);
      await this.writeLease(i, owner.metadata.uid!);
    }
  }

  private async syncPod(pod: PodLike | undefined, signal: AbortSignal): Promise<void> {
    if (!pod || !pod.spec?.nodeName) return;
    const index = this.index.get(pod.spec.nodeName);
    if (index === undefined) return;
    const podsApi = this.handle.client.resource(Resources.pods, pod.metadata.namespace);
    if (pod.metadata.deletionTimestamp) {
      try {
        await podsApi.delete(pod.metadata.name!, { gracePeriodSeconds: 0, preconditions: { uid: pod.metadata.uid! } });
        this.podsCounter.inc({ to: "deleted" });
      } catch (err) {
        if (!isNotFound(err) && !isConflict(err)) throw err;
      }
      return;
    }
    const phase = pod.status?.phase;
    if (phase && phase !== "Pending") return;
    if (this.latencyMs > 0) await sleep(this.handle.clock, this.latencyMs, signal).catch(() => undefined);
    if (signal.aborted) return;
    const n = this.podsStarted.get(index) ?? 0;
    this.podsStarted.set(index, n + 1);
    const failed = this.args.podFailureRate > 0 && Math.random() < this.args.podFailureRate;
    const status = startedPodStatus(pod, this.addresses.nodeIP(index), this.addresses.podIP(index, n), rfc3339(this.handle.clock.now()), failed);
    try {
      await podsApi.patchStatus(pod.metadata.name!, "merge", { status });
      this.podsCounter.inc({ to: failed ? "Failed" : "Running" });
    } catch (err) {
      if (!isNotFound(err) && !isConflict(err)) throw err;
    }
  }

  private async removeAll(): Promise<void> {
    const nodes = this.handle.client.resource(Resources.nodes);
    const leases = this.handle.client.resource(Resources.leases, LEASE_NAMESPACE);
    const names = [...this.index.keys()];
    for (let at = 0; at < names.length; at += this.args.workers) {
      await Promise.all(
        names.slice(at, at + this.args.workers).map(async (name) => {
          await nodes.delete(name).catch((err) => !isNotFound(err) && this.handle.logger.warn({ node: name, err: (err as Error).message }, "could not delete node"));
          await leases.delete(name).catch(() => undefined);
        }),
      );
    }
    this.nodesGauge.set(0);
  }
}
