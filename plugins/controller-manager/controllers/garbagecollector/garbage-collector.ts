import {
  discoverPreferredResources,
  isNotFound,
  parseApiVersion,
  runWorkers,
  sleep,
  type DiscoveredResource,
  type KubeObject,
  type OwnerReference,
  type PropagationPolicy,
  type ResourceRef,
  type WorkQueue,
} from "../../../../core/client/index.js";
import { parseDuration, type Controller, type ControllerManagerHandle } from "../../../../core/controller-manager/index.js";
import { FOREGROUND, ORPHAN, OwnerGraph, nodeOf, refersTo, type GraphNode } from "./graph.js";
import { removeFinalizer, setOwnerReferences, updateObject } from "./object-updates.js";
import type { GarbageCollectorControllerArgs } from "../../../../schemas/generated/plugins/controller-manager/garbagecollector.args.js";

/** The args after the schema's defaults are applied. */
export type GarbageCollectorArgs = Required<GarbageCollectorControllerArgs>;

type OwnerState = "solid" | "dangling" | "waiting";

const ABSENT_CACHE = 500;

/**
 * Upstream's garbage collector. It watches every resource it can list, watch and delete, keeps an
 * ownerReference graph, and works two queues:
 *
 * - attempt-to-delete: an object whose owners may be gone. Owners are checked live; with none left
 *   it is deleted (in the foreground when an owner waits for it and it has dependents of its own),
 *   with some left the dangling references are removed. An owner being deleted in the foreground
 *   goes through this queue too: it loses its `foregroundDeletion` finalizer once no dependent
 *   with blockOwnerDeletion remains.
 * - attempt-to-orphan: an owner deleted with the `orphan` finalizer; its dependents lose their
 *   reference to it, then it loses the finalizer.
 */
export class GarbageCollector implements Controller {
  readonly aliases = ["garbage-collector-controller"];
  private graph = new OwnerGraph();
  private byGroupKind = new Map<string, DiscoveredResource>();
  private readonly watched = new Set<string>();
  private readonly absentOwners = new Set<string>();

  constructor(
    private readonly args: GarbageCollectorArgs,
    private readonly handle: ControllerManagerHandle,
  ) {}

  async run(signal: AbortSignal): Promise<void> {
    const { logger } = this.handle;
    this.graph = new OwnerGraph();
    this.watched.clear();
    this.absentOwners.clear();
    const toDelete = this.handle.newQueue<string>("garbage_collector_attempt_to_delete");
    const toOrphan = this.handle.newQueue<string>("garbage_collector_attempt_to_orphan");
    signal.addEventListener("abort", () => {
      void toDelete.shutDownWithDrain();
      void toOrphan.shutDownWithDrain();
    }, { once: true });

    // Discovery may fail while the API server settles; the collector does nothing until it works.
    while (!signal.aborted) {
      try {
        await this.monitor(toDelete, toOrphan);
        break;
      } catch (err) {
        logger.warn({ err: (err as Error).message }, "garbage collector cannot discover resources; retrying");
        await sleep(this.handle.clock, 1000, signal);
      }
    }
    if (!(await this.handle.informers.waitForCacheSync(signal))) return;
    logger.info({ resources: this.watched.size, objects: this.graph.size }, "garbage collector synced");

    const rediscovery = this.rediscover(signal, toDelete, toOrphan);
    const onError = (queue: string) => (uid: string, err: unknown) => logger.warn({ queue, uid, err: (err as Error).message }, "garbage collection failed; retrying");
    await Promise.all([
      runWorkers(toDelete, this.args.concurrentGCSyncs, (uid) => this.attemptToDelete(uid, toDelete), { onError: onError("attempt-to-delete") }),
      runWorkers(toOrphan, this.args.concurrentGCSyncs, (uid) => this.attemptToOrphan(uid), { onError: onError("attempt-to-orphan") }),
      rediscovery,
    ]);
  }

  /** Reads discovery and watches every deletable resource not watched yet. */
  private async monitor(toDelete: WorkQueue<string>, toOrphan: WorkQueue<string>): Promise<void> {
    const resources = await discoverPreferredResources(this.handle.client);
    const ignored = new Set(this.args.gcIgnoredResources.map((r) => `${r.group}/${r.resource}`));
    const byGroupKind = new Map<string, DiscoveredResource>();
    for (const r of resources) if (!byGroupKind.has(`${r.group}/${r.kind}`)) byGroupKind.set(`${r.group}/${r.kind}`, r);
    this.byGroupKind = byGroupKind;
    for (const r of resources) {
      const id = `${r.group}/${r.resource}`;
      if (ignored.has(id) || this.watched.has(id) || !["list", "watch", "delete"].every((v) => r.verbs.includes(v))) continue;
      this.watched.add(id);
      this.handle.informers.metadataInformerFor(r).addEventHandler({
        onAdd: (obj) => this.observe(obj, r, toDelete, toOrphan),
        onUpdate: (_old, obj) => this.observe(obj, r, toDelete, toOrphan),
        onDelete: (obj) => this.forget(obj, toDelete),
      }, 0);
    }
  }

  private async rediscover(signal: AbortSignal, toDelete: WorkQueue<string>, toOrphan: WorkQueue<string>): Promise<void> {
    const period = parseDuration(this.args.resourceRediscoveryPeriod);
    while (!signal.aborted) {
      await sleep(this.handle.clock, period, signal);
      if (signal.aborted) return;
      await this.monitor(toDelete, toOrphan).catch((err) => this.handle.logger.warn({ err: (err as Error).message }, "resource rediscovery failed"));
    }
  }

  /** An object added or changed: update the graph and queue whatever this may decide. */
  private observe(obj: KubeObject, resource: ResourceRef, toDelete: WorkQueue<string>, toOrphan: WorkQueue<string>): void {
    if (!obj.metadata.uid) return;
    const node = nodeOf(obj, resource);
    const old = this.graph.upsert(node);
    // An owner not in the graph has to be checked, and so does one waiting for its dependents.
    if (node.owners.some((o) => { const owner = this.graph.get(o.uid); return !owner || owner.deletingDependents; })) toDelete.add(node.uid);
    if (node.deletingDependents) {
      toDelete.add(node.uid);
      if (!old?.deletingDependents) for (const d of this.graph.dependentsOf(node.uid)) toDelete.add(d.uid);
    }
    if (node.orphaning) toOrphan.add(node.uid);
    this.wakeWaitingOwners([...node.owners, ...(old?.owners ?? [])], toDelete);
  }

  private forget(obj: KubeObject, toDelete: WorkQueue<string>): void {
    const uid = obj.metadata.uid;
    if (!uid) return;
    const node = this.graph.remove(uid);
    for (const d of this.graph.dependentsOf(uid)) toDelete.add(d.uid);
    if (node) this.wakeWaitingOwners(node.owners, toDelete);
  }

  /** Owners deleting in the foreground look again when one of their dependents changes or goes. */
  private wakeWaitingOwners(owners: OwnerReference[], toDelete: WorkQueue<string>): void {
    for (const o of owners) if (this.graph.get(o.uid)?.deletingDependents) toDelete.add(o.uid);
  }

  private async attemptToDelete(uid: string, toDelete: WorkQueue<string>): Promise<void> {
    const node = this.graph.get(uid);
    if (!node) return;
    if (node.deletingDependents) return this.finishForeground(node, toDelete);
    if (node.beingDeleted || !node.owners.length) return;
    // Owners the graph holds, standing, need no reads: most objects queued while the caches
    // filled (a pod listed before its ReplicaSet) end here.
    if (node.owners.every((o) => { const owner = this.graph.get(o.uid); return owner && refersTo(o, owner) && !owner.deletingDependents; })) return;

    const rc = this.handle.client.resource(node.resource, node.namespace);
    let latest: KubeObject;
    try {
      latest = await rc.get(node.name);
    } catch (err) {
      if (isNotFound(err)) return;
      throw err;
    }
    if (latest.metadata.uid !== uid || latest.metadata.deletionTimestamp) return;
    const owners = latest.metadata.ownerReferences ?? [];
    if (!owners.length) return;

    const states = await Promise.all(owners.map(async (o) => [o, await this.ownerState(o, node)] as const));
    const solid = states.filter(([, s]) => s === "solid");
    const dangling = new Set(states.filter(([, s]) => s === "dangling").map(([o]) => o.uid));
    const waiting = new Set(states.filter(([, s]) => s === "waiting").map(([o]) => o.uid));

    if (solid.length) {
      if (!dangling.size && !waiting.size) return;
      // Some owners remain: only the references to gone owners go, and waiting owners are no longer blocked.
      await updateObject(rc, node.name, uid, (obj) => {
        const before = JSON.stringify(obj.metadata.ownerReferences ?? []);
        setOwnerReferences(
          obj,
          (obj.metadata.ownerReferences ?? []).filter((o) => !dangling.has(o.uid)).map((o) => (waiting.has(o.uid) && o.blockOwnerDeletion ? { ...o, blockOwnerDeletion: false } : o)),
        );
        return JSON.stringify(obj.metadata.ownerReferences ?? []) !== before;
      });
      return;
    }

    const finalizers = latest.metadata.finalizers ?? [];
    let policy: PropagationPolicy = "Background";
    if (waiting.size && this.graph.dependentsOf(uid).length) policy = "Foreground";
    else if (finalizers.includes(ORPHAN)) policy = "Orphan";
    else if (finalizers.includes(FOREGROUND)) policy = "Foreground";
    this.handle.logger.debug({ object: `${node.kind} ${node.namespace ?? ""}/${node.name}`, policy }, "deleting object whose owners are gone");
    await rc.delete(node.name, { propagationPolicy: policy, preconditions: { uid } }).catch((err) => {
      if (!isNotFound(err)) throw err;
    });
  }

  /** An owner deleting in the foreground: its dependents go first, then its finalizer. */
  private async finishForeground(node: GraphNode, toDelete: WorkQueue<string>): Promise<void> {
    const blocking = this.graph.blockingDependentsOf(node.uid);
    if (blocking.length) {
      for (const d of this.graph.dependentsOf(node.uid)) if (!d.beingDeleted || d.deletingDependents) toDelete.add(d.uid);
      return;
    }
    const rc = this.handle.client.resource(node.resource, node.namespace);
    await updateObject(rc, node.name, node.uid, (obj) => removeFinalizer(obj, FOREGROUND));
  }

  private async attemptToOrphan(uid: string): Promise<void> {
    const node = this.graph.get(uid);
    if (!node || !node.orphaning) return;
    // Dependents are released side by side, as upstream's goroutine per dependent; any failure
    // retries the whole owner, and those already released are a no-op then.
    const dependents = this.graph.dependentsOf(uid);
    const failures: string[] = [];
    let next = 0;
    const release = async () => {
      while (next < dependents.length) {
        const d = dependents[next++]!;
        const rc = this.handle.client.resource(d.resource, d.namespace);
        await updateObject(rc, d.name, d.uid, (obj) => {
          const refs = obj.metadata.ownerReferences ?? [];
          if (!refs.some((o) => o.uid === uid)) return false;
          setOwnerReferences(obj, refs.filter((o) => o.uid !== uid));
          return true;
        }).catch((err: Error) => failures.push(`${d.kind} ${d.name}: ${err.message}`));
      }
    };
    await Promise.all(Array.from({ length: Math.min(this.args.concurrentGCSyncs, dependents.length) }, release));
    if (failures.length) throw new Error(`could not release ${failures.length} dependents: ${failures.slice(0, 3).join("; ")}`);
    const rc = this.handle.client.resource(node.resource, node.namespace);
    await updateObject(rc, node.name, uid, (obj) => removeFinalizer(obj, ORPHAN));
  }

  /**
   * Whether an owner still stands. The graph answers for owners it holds; others are read from
   * the API server (a 404 or another uid under the name makes the reference dangling), and owners
   * found absent are remembered so a thousand dependents cost one read.
   */
  private async ownerState(ref: OwnerReference, dependent: GraphNode): Promise<OwnerState> {
    const known = this.graph.get(ref.uid);
    if (known && refersTo(ref, known)) return known.deletingDependents ? "waiting" : "solid";
    if (this.absentOwners.has(ref.uid)) return "dangling";
    const { group } = parseApiVersion(ref.apiVersion);
    const resource = this.byGroupKind.get(`${group}/${ref.kind}`);
    if (!resource) throw new Error(`owner ${ref.kind} ${ref.name} (${ref.apiVersion}): no served resource has this kind`);
    // A cluster-scoped dependent cannot have a namespaced owner: upstream treats that owner as absent.
    if (resource.namespaced && !dependent.namespace) return this.absent(ref.uid);
    let owner: KubeObject;
    try {
      owner = await this.handle.client.resource(resource, resource.namespaced ? dependent.namespace : undefined).get(ref.name);
    } catch (err) {
      if (isNotFound(err)) return this.absent(ref.uid);
      throw err;
    }
    if (owner.metadata.uid !== ref.uid) return this.absent(ref.uid);
    return owner.metadata.deletionTimestamp && owner.metadata.finalizers?.includes(FOREGROUND) ? "waiting" : "solid";
  }

  private absent(uid: string): OwnerState {
    if (this.absentOwners.size >= ABSENT_CACHE) this.absentOwners.delete(this.absentOwners.values().next().value!);
    this.absentOwners.add(uid);
    return "dangling";
  }
}

