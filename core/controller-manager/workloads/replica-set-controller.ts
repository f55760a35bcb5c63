import type { Selector } from "../../api/labels.js";
import {
  CONTROLLER_UID_INDEX,
  NAMESPACE_INDEX,
  Resources,
  controllerUidIndex,
  isForbidden,
  isNotFound,
  isConflict,
  objectKey,
  runWorkers,
  splitKey,
  type ObjectReference,
  type ResourceRef,
  type SharedInformer,
} from "../../client/index.js";
import type { Controller } from "../controller.js";
import type { ControllerManagerHandle } from "../handle.js";
import { claimObjects, controllerOf, controllerRef } from "./controller-ref.js";
import { ControllerExpectations } from "./expectations.js";
import { deletionOrder, isPodActive, isPodReady, type Pod } from "./pods.js";
import { calculateReplicaSetStatus, statusChanged, type ReplicaSetLike } from "./replica-set-status.js";
import { slowStartBatch } from "./slow-start.js";

/** What differs between the ReplicaSet and the ReplicationController controllers. */
export interface ReplicaSetKind {
  /** The queue's and the logs' name: upstream's `replicaset` and `replicationmanager`. */
  queueName: string;
  resource: ResourceRef;
  apiVersion: string;
  kind: string;
  /** The set's pod selector; throws if it cannot be compiled. */
  selectorOf(rs: ReplicaSetLike): Selector;
}

export interface ReplicaSetControllerArgs {
  concurrentSyncs: number;
  /** Most pods created or deleted by one sync (upstream's BurstReplicas, 500). */
  burstReplicas: number;
}

/**
 * Upstream's ReplicaSetController (pkg/controller/replicaset), which also runs
 * ReplicationControllers: keeps as many active pods matching the selector as `spec.replicas`
 * says, owning them by controller reference. Creations go in slow-start batches (1, 2, 4, …,
 * stopping at the first failure); deletions take the pods best lost first; expectations keep a
 * sync from acting on a cache that has not yet seen the last sync's writes.
 */
export class ReplicaSetController implements Controller {
  private expectations!: ControllerExpectations;
  private pods!: SharedInformer<Pod>;
  private sets!: SharedInformer<ReplicaSetLike>;
  private enqueue: (key: string, afterMs?: number) => void = () => {};

  constructor(
    private readonly kind: ReplicaSetKind,
    private readonly args: ReplicaSetControllerArgs,
    private readonly handle: ControllerManagerHandle,
    readonly aliases: readonly string[] = [],
  ) {}

  async run(signal: AbortSignal): Promise<void> {
    const { informers, logger } = this.handle;
    const queue = this.handle.newQueue<string>(this.kind.queueName);
    // Each term starts from fresh caches, so from no expectations: old ones could never be met.
    this.expectations = new ControllerExpectations(this.handle.clock);
    this.enqueue = (key, afterMs = 0) => (afterMs > 0 ? queue.addAfter(key, afterMs) : queue.add(key));
    this.sets = informers.informerFor<ReplicaSetLike>(this.kind.resource);
    this.pods = informers.informerFor<Pod>(Resources.pods);
    this.sets.addIndexers({ [CONTROLLER_UID_INDEX]: controllerUidIndex });
    this.pods.addIndexers({ [CONTROLLER_UID_INDEX]: controllerUidIndex });
    this.sets.addEventHandler({
      onAdd: (rs) => queue.add(objectKey(rs)),
      onUpdate: (_old, rs) => queue.add(objectKey(rs)),
      onDelete: (rs) => {
        this.expectations.forget(objectKey(rs));
        queue.add(objectKey(rs));
      },
    });
    this.pods.addEventHandler({
      onAdd: (pod) => this.podAdded(pod),
      onUpdate: (old, pod) => this.podUpdated(old, pod),
      onDelete: (pod) => this.podDeleted(pod),
    });
    signal.addEventListener("abort", () => void queue.shutDownWithDrain(), { once: true });
    if (!(await informers.waitForCacheSync(signal))) return;
    await runWorkers(queue, this.args.concurrentSyncs, (key) => this.sync(key), {
      onError: (key, err) => logger.warn({ [this.kind.queueName]: key, err: (err as Error).message }, `${this.kind.kind} sync failed; retrying`),
    });
  }

  /** The set a controller reference names, if it is in the cache with that uid. */
  private resolve(namespace: string | undefined, ref: { kind: string; name: string; uid: string } | undefined): ReplicaSetLike | undefined {
    if (!ref || ref.kind !== this.kind.kind) return undefined;
    const rs = this.sets.store.getBy(namespace, ref.name);
    return rs?.metadata.uid === ref.uid ? rs : undefined;
  }

  /** Sets whose selector would adopt this orphan. */
  private matchingSets(pod: Pod): ReplicaSetLike[] {
    return this.sets.store.byIndex(NAMESPACE_INDEX, pod.metadata.namespace ?? "").filter((rs) => {
      try {
        const sel = this.kind.selectorOf(rs);
        return !sel.empty() && sel.matches(pod.metadata.labels ?? {});
      } catch {
        return false;
      }
    });
  }

  private podAdded(pod: Pod): void {
    if (pod.metadata.deletionTimestamp) return this.podDeleted(pod);
    const ref = controllerOf(pod);
    if (ref) {
      const rs = this.resolve(pod.metadata.namespace, ref);
      if (!rs) return;
      this.expectations.creationObserved(objectKey(rs));
      this.enqueue(objectKey(rs));
      return;
    }
    for (const rs of this.matchingSets(pod)) this.enqueue(objectKey(rs));
  }

  private podUpdated(old: Pod, pod: Pod): void {
    if (old.metadata.resourceVersion === pod.metadata.resourceVersion) return;
    const labelsChanged = JSON.stringify(old.metadata.labels ?? {}) !== JSON.stringify(pod.metadata.labels ?? {});
    if (pod.metadata.deletionTimestamp) {
      // Marked for deletion counts as deleted: the set makes a replacement without waiting for the grace period.
      this.podDeleted(pod);
      if (labelsChanged) this.podDeleted(old);
      return;
    }
    const oldRef = controllerOf(old);
    const ref = controllerOf(pod);
    const refChanged = oldRef?.uid !== ref?.uid;
    if (refChanged && oldRef) {
      const rs = this.resolve(old.metadata.namespace, oldRef);
      if (rs) this.enqueue(objectKey(rs));
    }
    if (ref) {
      const rs = this.resolve(pod.metadata.namespace, ref);
      if (!rs) return;
      this.enqueue(objectKey(rs));
      // Available only becomes true minReadySeconds after Ready, with no event to say so.
      const minReady = rs.spec.minReadySeconds ?? 0;
      if (!isPodReady(old) && isPodReady(pod) && minReady > 0) this.enqueue(objectKey(rs), minReady * 1000 + 1000);
      return;
    }
    if (labelsChanged || refChanged) for (const rs of this.matchingSets(pod)) this.enqueue(objectKey(rs));
  }

  private podDeleted(pod: Pod): void {
    const rs = this.resolve(pod.metadata.namespace, controllerOf(pod));
    if (!rs) return;
    this.expectations.deletionObserved(objectKey(rs), objectKey(pod));
    this.enqueue(objectKey(rs));
  }

  private async sync(key: string): Promise<void> {
    const rs = this.sets.store.get(key);
    if (!rs) {
      this.expectations.forget(key);
      return;
    }
    const needsSync = this.expectations.satisfied(key);
    let selector: Selector;
    try {
      selector = this.kind.selectorOf(rs);
    } catch (err) {
      this.handle.logger.error({ [this.kind.queueName]: key, err: (err as Error).message }, "invalid selector; not syncing");
      return;
    }
    const { namespace, name } = splitKey(key);
    const active = this.pods.store.byIndex(NAMESPACE_INDEX, namespace ?? "").filter(isPodActive);
    const ref = controllerRef(rs, this.kind.apiVersion, this.kind.kind);
    const owned = await claimObjects(active, {
      owner: rs,
      ref,
      selector,
      client: this.handle.client.resource<Pod>(Resources.pods, namespace),
      canAdopt: async () => {
        const fresh = await this.handle.client.resource<ReplicaSetLike>(this.kind.resource, namespace).get(name);
        return fresh.metadata.uid === rs.metadata.uid && !fresh.metadata.deletionTimestamp;
      },
    });
    let failure: { reason: string; message: string } | undefined;
    let manageError: unknown;
    if (needsSync && !rs.metadata.deletionTimestamp) {
      try {
        await this.manageReplicas(key, rs, owned);
      } catch (err) {
        manageError = err;
        const creating = owned.length < (rs.spec.replicas ?? 1);
        failure = { reason: creating ? "FailedCreate" : "FailedDelete", message: (err as Error).message };
      }
    }
    const status = calculateReplicaSetStatus(rs, owned, failure, this.handle.clock.now());
    const updated = await this.writeStatus(rs, status);
    const minReady = rs.spec.minReadySeconds ?? 0;
    const replicas = rs.spec.replicas ?? 1;
    if (!manageError && minReady > 0 && updated.status?.readyReplicas === replicas && updated.status?.availableReplicas !== replicas) {
      this.enqueue(key, minReady * 1000);
    }
    if (manageError) throw manageError;
  }

  private reference(rs: ReplicaSetLike): ObjectReference {
    return { apiVersion: this.kind.apiVersion, kind: this.kind.kind, namespace: rs.metadata.namespace!, name: rs.metadata.name!, uid: rs.metadata.uid! };
  }

  private async manageReplicas(key: string, rs: ReplicaSetLike, owned: Pod[]): Promise<void> {
    const { client, recorder } = this.handle;
    const pods = client.resource<Pod>(Resources.pods, rs.metadata.namespace);
    const diff = owned.length - (rs.spec.replicas ?? 1);
    if (diff < 0) {
      const n = Math.min(-diff, this.args.burstReplicas);
      this.expectations.expectCreations(key, n);
      const ref = controllerRef(rs, this.kind.apiVersion, this.kind.kind);
      const { succeeded, error } = await slowStartBatch(n, 1, async () => {
        try {
          const pod = await pods.create(podFromTemplate(rs, ref));
          recorder.event(this.reference(rs), "Normal", "SuccessfulCreate", "Create", `Created pod: ${pod.metadata.name}`);
        } catch (err) {
          // Upstream treats a namespace being torn down as no failure: nothing can be made there.
          if (isForbidden(err) && /being terminated/.test((err as Error).message)) return;
          recorder.event(this.reference(rs), "Warning", "FailedCreate", "Create", `Error creating: ${(err as Error).message}`);
          throw err;
        }
      });
      // Creations never attempted will never be observed.
      for (let i = succeeded; i < n; i++) this.expectations.creationObserved(key);
      if (error) throw error;
      return;
    }
    if (diff > 0) {
      const n = Math.min(diff, this.args.burstReplicas);
      const victims = this.podsToDelete(rs, owned, n);
      this.expectations.expectDeletions(key, victims.map(objectKey));
      const errors: unknown[] = [];
      await Promise.all(
        victims.map(async (pod) => {
          try {
            await pods.delete(pod.metadata.name!);
            recorder.event(this.reference(rs), "Normal", "SuccessfulDelete", "Delete", `Deleted pod: ${pod.metadata.name}`);
          } catch (err) {
            if (isNotFound(err)) return;
            // The delete did not happen, so its watch event will not come.
            this.expectations.deletionObserved(key, objectKey(pod));
            recorder.event(this.reference(rs), "Warning", "FailedDelete", "Delete", `Error deleting: ${(err as Error).message}`);
            errors.push(err);
          }
        }),
      );
      if (errors.length) throw errors[0];
    }
  }

  /**
   * The `n` pods to lose, best first. Pods of sibling sets (same owning Deployment) on the same
   * node raise a pod's rank, so scale-down spreads what remains across nodes.
   */
  private podsToDelete(rs: ReplicaSetLike, owned: Pod[], n: number): Pod[] {
    if (n >= owned.length) return owned;
    const owner = controllerOf(rs);
    const related = owner ? this.sets.store.byIndex(CONTROLLER_UID_INDEX, owner.uid).flatMap((s) => this.pods.store.byIndex(CONTROLLER_UID_INDEX, s.metadata.uid!)) : owned;
    const perNode = new Map<string, number>();
    for (const p of related) if (p.spec?.nodeName && isPodActive(p)) perNode.set(p.spec.nodeName, (perNode.get(p.spec.nodeName) ?? 0) + 1);
    const rank = (p: Pod) => (p.spec?.nodeName ? (perNode.get(p.spec.nodeName) ?? 0) : 0);
    return [...owned].sort(deletionOrder(this.handle.clock.now(), rank)).slice(0, n);
  }

  /** Writes status when it changed, retrying once on a conflict against a fresh read, as upstream. */
  private async writeStatus(rs: ReplicaSetLike, status: ReturnType<typeof calculateReplicaSetStatus>): Promise<ReplicaSetLike> {
    if (!statusChanged(rs, status)) return rs;
    const client = this.handle.client.resource<ReplicaSetLike>(this.kind.resource, rs.metadata.namespace);
    const next = { ...status, observedGeneration: rs.metadata.generation ?? 0 };
    const body = (obj: ReplicaSetLike) => ({ ...obj, apiVersion: this.kind.apiVersion, kind: this.kind.kind, status: next });
    try {
      return await client.updateStatus(body(rs));
    } catch (err) {
      if (isNotFound(err)) return rs;
      if (!isConflict(err)) throw err;
      const fresh = await client.get(rs.metadata.name!);
      return client.updateStatus(body(fresh));
    }
  }
}

/** Upstream's GetPodFromTemplate: the template's labels, annotations, finalizers and spec, named after the set. */
function podFromTemplate(rs: ReplicaSetLike, ref: ReturnType<typeof controllerRef>): Pod {
  const meta = rs.spec.template?.metadata ?? {};
  return {
    apiVersion: "v1",
    kind: "Pod",
    metadata: {
      generateName: `${rs.metadata.name}-`,
      namespace: rs.metadata.namespace!,
      ...(meta.labels ? { labels: { ...meta.labels } } : {}),
      ...(meta.annotations ? { annotations: { ...meta.annotations } } : {}),
      ...(meta.finalizers ? { finalizers: [...meta.finalizers] } : {}),
      ownerReferences: [ref],
    },
    spec: structuredClone(rs.spec.template?.spec ?? {}) as Pod["spec"],
  };
}
