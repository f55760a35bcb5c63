import { Resources, isConflict, isNotFound, type EventRecorder, type KubeClient, type KubeObject, type ResourceRef, type SharedInformer, type SharedInformerFactory } from "../client/index.js";
import type { LabelSelector, Node, PersistentVolumeClaim, Pod, PodCondition, PodDisruptionBudget } from "./api-types.js";
import type { Cluster, ClusterHandlers } from "./cluster.js";
import { compileSelector } from "./helpers/pod-selectors.js";

const storage = {
  persistentVolumes: { group: "", version: "v1", resource: "persistentvolumes", namespaced: false, kind: "PersistentVolume" },
  storageClasses: { group: "storage.k8s.io", version: "v1", resource: "storageclasses", namespaced: false, kind: "StorageClass" },
  csiNodes: { group: "storage.k8s.io", version: "v1", resource: "csinodes", namespaced: false, kind: "CSINode" },
} as const satisfies Record<string, ResourceRef>;

type Other = Parameters<ClusterHandlers["otherChanged"]>[0];

interface Selecting extends KubeObject {
  spec?: { selector?: LabelSelector | Record<string, string> };
}

/**
 * The scheduler's cluster over the API: shared informers feed its handlers (pods, nodes, and
 * what plugins consult), bindings go through pods/binding, conditions and nominated nodes
 * through pods/status, preemption victims are deleted gracefully, and events go out as
 * events.k8s.io Events.
 */
export class ApiCluster implements Cluster {
  private readonly pods: SharedInformer;
  private readonly nodes: SharedInformer;
  private readonly pvcs: SharedInformer;
  private readonly pdbs: SharedInformer;
  private readonly selecting: SharedInformer<Selecting>[];
  private readonly others: [Other, SharedInformer][];

  constructor(
    private readonly client: KubeClient,
    private readonly informers: SharedInformerFactory,
    private readonly recorder: EventRecorder,
  ) {
    this.pods = informers.informerFor(Resources.pods);
    this.nodes = informers.informerFor(Resources.nodes);
    this.pvcs = informers.informerFor(Resources.persistentVolumeClaims);
    this.pdbs = informers.informerFor(Resources.podDisruptionBudgets);
    // What upstream's default spreading selectors come from.
    this.selecting = [Resources.services, Resources.replicationControllers, Resources.replicaSets, Resources.statefulSets].map((r) => informers.informerFor<Selecting>(r));
    this.others = [
      ["PersistentVolumeClaim", this.pvcs],
      ["PodDisruptionBudget", this.pdbs],
      ["PersistentVolume", informers.informerFor(storage.persistentVolumes)],
      ["StorageClass", informers.informerFor(storage.storageClasses)],
      ["CSINode", informers.informerFor(storage.csiNodes)],
    ];
  }

  async start(handlers: ClusterHandlers, signal: AbortSignal): Promise<void> {
    // Nodes first, so that assigned pods of the first list land on known nodes.
    this.nodes.addEventHandler({
      onAdd: (n) => handlers.nodeAdded(n as unknown as Node),
      onUpdate: (o, n) => o !== n && handlers.nodeUpdated(o as unknown as Node, n as unknown as Node),
      onDelete: (n) => handlers.nodeDeleted(n as unknown as Node),
    });
    this.pods.addEventHandler({
      onAdd: (p) => handlers.podAdded(p as unknown as Pod),
      onUpdate: (o, p) => o !== p && handlers.podUpdated(o as unknown as Pod, p as unknown as Pod),
      onDelete: (p) => handlers.podDeleted(p as unknown as Pod),
    });
    for (const [kind, informer] of this.others) {
      informer.addEventHandler({
        onAdd: (o, initial) => !initial && handlers.otherChanged(kind, "Add", undefined, o),
        onUpdate: (o, n) => o !== n && handlers.otherChanged(kind, "Update", o, n),
        onDelete: (o) => handlers.otherChanged(kind, "Delete", o, undefined),
      });
    }
    await this.informers.waitForCacheSync(signal);
  }

  async bind(pod: Pod, nodeName: string): Promise<void> {
    const pods = this.client.resource(Resources.pods, pod.metadata.namespace);
    await this.client.request("POST", pods.path(pod.metadata.name, "binding"), {
      body: {
        apiVersion: "v1",
        kind: "Binding",
        metadata: { name: pod.metadata.name, namespace: pod.metadata.namespace, uid: pod.metadata.uid },
        target: { apiVersion: "v1", kind: "Node", name: nodeName },
      },
    });
  }

  async deletePod(pod: Pod, gracePeriodSeconds?: number): Promise<void> {
    const pods = this.client.resource(Resources.pods, pod.metadata.namespace);
    try {
      await pods.delete(pod.metadata.name, { ...(gracePeriodSeconds !== undefined ? { gracePeriodSeconds } : {}), preconditions: { uid: pod.metadata.uid! } });
    } catch (err) {
      if (!isNotFound(err) && !isConflict(err)) throw err;
    }
  }

  async patchPodStatus(pod: Pod, patch: { condition?: PodCondition; nominatedNodeName?: string | null }): Promise<void> {
    const status: Record<string, unknown> = {};
    if (patch.condition) status.conditions = [patch.condition];
    if (patch.nominatedNodeName !== undefined) status.nominatedNodeName = patch.nominatedNodeName;
    const pods = this.client.resource(Resources.pods, pod.metadata.namespace);
    try {
      await pods.patchStatus(pod.metadata.name, "strategic", { metadata: { uid: pod.metadata.uid }, status });
    } catch (err) {
      if (isNotFound(err)) return;
      throw err;
    }
  }

  event(regarding: Pod, type: "Normal" | "Warning", reason: string, action: string, note: string): void {
    this.recorder.event(regarding as unknown as KubeObject, type, reason, action, note);
  }

  podDisruptionBudgets(namespace?: string): PodDisruptionBudget[] {
    const all = this.pdbs.store.list() as unknown as PodDisruptionBudget[];
    return namespace ? all.filter((p) => p.metadata.namespace === namespace) : all;
  }

  persistentVolumeClaim(namespace: string, name: string): PersistentVolumeClaim | undefined {
    return this.pvcs.store.getBy(namespace, name) as unknown as PersistentVolumeClaim | undefined;
  }

  podOwnerSelectors(pod: Pod): LabelSelector[] {
    const labels = pod.metadata.labels ?? {};
    const out: LabelSelector[] = [];
    for (const informer of this.selecting) {
      for (const obj of informer.store.byIndex("namespace", pod.metadata.namespace ?? "default")) {
        const raw = obj.spec?.selector;
        if (!raw) continue;
        // Services and ReplicationControllers select by a plain map; the others by a LabelSelector.
        const sel: LabelSelector = "matchLabels" in raw || "matchExpressions" in raw ? (raw as LabelSelector) : { matchLabels: raw as Record<string, string> };
        if (compileSelector(sel).matches(labels)) out.push(sel);
      }
    }
    return out;
  }
}
