import { CONTROLLER_UID_INDEX, Resources, controllerUidIndex, isAlreadyExists, isNotFound, runWorkers, type KubeObject, type SharedInformer } from "../../../../core/client/index.js";
import {
  Expectations,
  canonicalJson,
  controllerRefOf,
  controllerRefTo,
  isPodAvailable,
  isPodReady,
  revisionHash,
  sameStatus,
  scaledValue,
  type Controller,
  type ControllerManagerHandle,
  type PodLike,
} from "../../../../core/controller-manager/index.js";
import type { Node } from "../../../../core/scheduler/index.js";
import type { DaemonSetControllerArgs } from "../../../../schemas/generated/plugins/controller-manager/daemonset.args.js";
import { nodeOfPod, podForNode, shouldRun, type DaemonSet } from "./daemon-pods.js";

export type DaemonSetControllerOptions = Required<DaemonSetControllerArgs>;

interface ControllerRevision extends KubeObject {
  data: unknown;
  revision: number;
}

const HASH_LABEL = "controller-revision-hash";
const FAILED_POD_BACKOFF_MS = 1000;

/**
 * Upstream's daemonset controller: one pod per node the DaemonSet's pod could run on (node
 * selector, required affinity, taints with the daemon tolerations), each pinned to its node by
 * required node affinity on `metadata.name` for the default scheduler to bind; RollingUpdate
 * within maxUnavailable / maxSurge, or OnDelete; a ControllerRevision per template.
 */
export class DaemonSetController implements Controller {
  readonly aliases = ["daemonset-controller"];
  private readonly expectations: Expectations;

  constructor(
    private readonly args: DaemonSetControllerOptions,
    private readonly handle: ControllerManagerHandle,
  ) {
    this.expectations = new Expectations(() => handle.clock.now());
  }

  async run(signal: AbortSignal): Promise<void> {
    const { informers, logger } = this.handle;
    const queue = this.handle.newQueue<string>("daemonset");
    const sets = informers.informerFor<DaemonSet>(Resources.daemonSets);
    const pods = informers.informerFor<PodLike>(Resources.pods);
    const nodes = informers.informerFor<Node & KubeObject>(Resources.nodes);
    const revisions = informers.informerFor<ControllerRevision>(Resources.controllerRevisions);
    pods.addIndexers({ [CONTROLLER_UID_INDEX]: controllerUidIndex });
    revisions.addIndexers({ [CONTROLLER_UID_INDEX]: controllerUidIndex });
    const k = (o: KubeObject) => `${o.metadata.namespace}/${o.metadata.name}`;
    sets.addEventHandler({ onAdd: (s) => queue.add(k(s)), onUpdate: (_o, s) => queue.add(k(s)), onDelete: (s) => this.expectations.forget(k(s)) });
    const owner = (p: PodLike, what?: "adds" | "dels") => {
      const ref = controllerRefOf(p);
      if (ref?.kind !== "DaemonSet") return;
      const key = `${p.metadata.namespace}/${ref.name}`;
      if (what) this.expectations.observed(key, what);
      queue.add(key);
    };
    pods.addEventHandler({
      onAdd: (p) => owner(p, "adds"),
      onUpdate: (o, p) => owner(p, !o.metadata.deletionTimestamp && p.metadata.deletionTimestamp ? "dels" : undefined),
      onDelete: (p) => owner(p, p.metadata.deletionTimestamp ? undefined : "dels"),
    });
    const all = () => sets.store.list().forEach((s) => queue.add(k(s)));
    nodes.addEventHandler({ onAdd: all, onUpdate: all, onDelete: all });
    signal.addEventListener("abort", () => void queue.shutDownWithDrain(), { once: true });
    if (!(await informers.waitForCacheSync(signal))) return;
    await runWorkers(
      queue,
      this.args.concurrentSyncs,
      async (key) => {
        const after = await this.sync(key, sets, pods, nodes, revisions);
        if (after !== undefined) queue.addAfter(key, after);
      },
      { onError: (key, err) => logger.warn({ daemonset: key, err: (err as Error).message }, "daemonset sync failed; retrying") },
    );
  }

  async sync(key: string, sets: SharedInformer<DaemonSet>, podInf: SharedInformer<PodLike>, nodeInf: SharedInformer<Node & KubeObject>, revInf: SharedInformer<ControllerRevision>): Promise<number | undefined> {
    const ds = sets.store.get(key);
    if (!ds || ds.metadata.deletionTimestamp) return;
    const ns = ds.metadata.namespace!;
    const owned = <T extends KubeObject>(inf: SharedInformer<T>) => inf.store.byIndex(CONTROLLER_UID_INDEX, ds.metadata.uid!).filter((o) => o.metadata.namespace === ns);
    const hash = await this.revision(ds, owned(revInf));
    const now = this.handle.clock.now();
    const minReady = ds.spec.minReadySeconds ?? 0;
    const byNode = new Map<string, PodLike[]>();
    for (const p of owned(podInf)) {
      const n = nodeOfPod(p);
      if (n) byNode.set(n, [...(byNode.get(n) ?? []), p]);
    }
    const nodes = nodeInf.store.list();
    let requeue: number | undefined;
    if (this.expectations.satisfied(key)) {
      const create: string[] = [];
      const remove: PodLike[] = [];
      for (const node of nodes) {
        const name = node.metadata.name!;
        const { run, keep } = shouldRun(ds, node);
        const here = (byNode.get(name) ?? []).filter((p) => !p.metadata.deletionTimestamp);
        if (!keep) {
          remove.push(...here);
          continue;
        }
        if (!run && !here.length) continue;
        // A failed daemon pod is replaced; the replacement waits a moment, as upstream backs off.
        const failed = here.filter((p) => p.status?.phase === "Failed");
        remove.push(...failed);
        if (failed.length) requeue = FAILED_POD_BACKOFF_MS;
        const live = here.filter((p) => p.status?.phase !== "Failed");
        if (!live.length && run && !failed.length) create.push(name);
        // One daemon per node: the oldest stays, unless a surge pod of the new revision is rolling in.
        const extra = live.sort((a, b) => (a.metadata.creationTimestamp ?? "").localeCompare(b.metadata.creationTimestamp ?? "")).slice(1);
        const surgeAllowed = extra.length === 1 && extra[0]!.metadata.labels?.[HASH_LABEL] === hash && live[0]!.metadata.labels?.[HASH_LABEL] !== hash;
        if (!surgeAllowed) remove.push(...extra);
      }
      if ((ds.spec.updateStrategy?.type ?? "RollingUpdate") === "RollingUpdate") this.rollingUpdate(ds, nodes, byNode, hash, now, minReady, create, remove);
      await this.apply(ds, key, create, remove, hash);
    }
    await this.writeStatus(ds, nodes, owned(podInf), hash, now, minReady);
    await this.truncateHistory(ds, owned(revInf), owned(podInf), hash);
    if (minReady > 0) requeue = Math.min(requeue ?? minReady * 1000, minReady * 1000);
    return requeue;
  }

  /**
   * Upstream's rollingUpdate: without surge, old pods are deleted while fewer than maxUnavailable
   * nodes lack an available daemon (unavailable old pods first); with surge, a new pod is made
   * beside an available old one (up to maxSurge at once) and the old one goes once the new is
   * available.
   */
  private rollingUpdate(ds: DaemonSet, nodes: (Node & KubeObject)[], byNode: Map<string, PodLike[]>, hash: string, now: number, minReady: number, create: string[], remove: PodLike[]): void {
    const desired = nodes.filter((n) => shouldRun(ds, n).run);
    const ru = ds.spec.updateStrategy?.rollingUpdate ?? {};
    const maxSurge = scaledValue(ru.maxSurge, desired.length, true, 0);
    const maxUnavailable = maxSurge > 0 && ru.maxUnavailable === undefined ? 0 : scaledValue(ru.maxUnavailable, desired.length, true, 1);
    const available = (p: PodLike) => isPodReady(p) && isPodAvailable(p, minReady, now);
    let unavailable = 0;
    const oldAvailable: PodLike[] = [];
    let surging = 0;
    const surgeCandidates: string[] = [];
    for (const node of desired) {
      const live = (byNode.get(node.metadata.name!) ?? []).filter((p) => !p.metadata.deletionTimestamp && p.status?.phase !== "Failed");
      const oldPods = live.filter((p) => p.metadata.labels?.[HASH_LABEL] !== hash);
      const newPod = live.find((p) => p.metadata.labels?.[HASH_LABEL] === hash);
      if (!live.some(available)) unavailable++;
      if (!oldPods.length) continue;
      if (newPod) {
        surging++;
        if (available(newPod)) remove.push(...oldPods.filter((p) => !remove.includes(p)));
        continue;
      }
      const old = oldPods[0]!;
      if (!available(old)) {
        if (!remove.includes(old)) remove.push(old);
      } else if (maxSurge > 0) surgeCandidates.push(node.metadata.name!);
      else oldAvailable.push(old);
    }
    for (const n of surgeCandidates.slice(0, Math.max(0, maxSurge - surging))) create.push(n);
    for (const p of oldAvailable.slice(0, Math.max(0, maxUnavailable - unavailable))) remove.push(p);
  }

  private async apply(ds: DaemonSet, key: string, create: string[], remove: PodLike[], hash: string): Promise<void> {
    if (!create.length && !remove.length) return;
    this.expectations.expect(key, create.length, remove.length);
    const pods = this.handle.client.resource<PodLike>(Resources.pods, ds.metadata.namespace);
    for (const node of create) {
      try {
        const made = await pods.create(podForNode(ds, node, hash, ds.metadata.generation ?? 1));
        this.handle.recorder.event(ds, "Normal", "SuccessfulCreate", "Create", `Created pod: ${made.metadata.name}`);
      } catch (err) {
        this.expectations.observed(key, "adds");
        this.handle.recorder.event(ds, "Warning", "FailedCreate", "Create", `Error creating: ${(err as Error).message}`);
        throw err;
      }
    }
    for (const p of remove) {
      try {
        await pods.delete(p.metadata.name!, { preconditions: { uid: p.metadata.uid! } });
        this.handle.recorder.event(ds, "Normal", "SuccessfulDelete", "Delete", `Deleted pod: ${p.metadata.name}`);
      } catch (err) {
        this.expectations.observed(key, "dels");
        if (!isNotFound(err)) throw err;
      }
    }
  }

  /** The hash of the current template's ControllerRevision, made (or renumbered) as needed. */
  private async revision(ds: DaemonSet, existing: ControllerRevision[]): Promise<string> {
    const data = { spec: { template: { ...structuredClone(ds.spec.template), $patch: "replace" } } };
    const client = this.handle.client.resource<ControllerRevision>(Resources.controllerRevisions, ds.metadata.namespace);
    const maxRev = existing.reduce((m, r) => Math.max(m, r.revision), 0);
    const same = existing.find((r) => canonicalJson(r.data) === canonicalJson(data));
    if (same) {
      if (same.revision < maxRev) await client.update({ ...same, revision: maxRev + 1 });
      return same.metadata.labels?.[HASH_LABEL] ?? same.metadata.name!.slice(ds.metadata.name!.length + 1);
    }
    const hash = revisionHash(data, (ds.status?.collisionCount as number | undefined) ?? 0);
    try {
      await client.create({
        apiVersion: "apps/v1",
        kind: "ControllerRevision",
        metadata: { name: `${ds.metadata.name}-${hash}`, namespace: ds.metadata.namespace!, labels: { ...ds.spec.template.metadata?.labels, [HASH_LABEL]: hash }, ownerReferences: [controllerRefTo(ds, "apps/v1", "DaemonSet")] },
        data,
        revision: maxRev + 1,
      });
    } catch (err) {
      if (!isAlreadyExists(err)) throw err;
    }
    return hash;
  }

  private async writeStatus(ds: DaemonSet, nodes: (Node & KubeObject)[], pods: PodLike[], hash: string, now: number, minReady: number): Promise<void> {
    let desired = 0;
    let scheduled = 0;
    let misscheduled = 0;
    let ready = 0;
    let available = 0;
    let updated = 0;
    for (const node of nodes) {
      const { run } = shouldRun(ds, node);
      const here = pods.filter((p) => nodeOfPod(p) === node.metadata.name && !p.metadata.deletionTimestamp);
      if (run) desired++;
      if (!here.length) continue;
      if (!run) {
        misscheduled++;
        continue;
      }
      scheduled++;
      const oldest = [...here].sort((a, b) => (a.metadata.creationTimestamp ?? "").localeCompare(b.metadata.creationTimestamp ?? ""))[0]!;
      if (isPodReady(oldest)) {
        ready++;
        if (isPodAvailable(oldest, minReady, now)) available++;
      }
      if (here.some((p) => p.metadata.labels?.[HASH_LABEL] === hash)) updated++;
    }
    const status = {
      ...ds.status,
      observedGeneration: ds.metadata.generation ?? 0,
      desiredNumberScheduled: desired,
      currentNumberScheduled: scheduled,
      numberMisscheduled: misscheduled,
      numberReady: ready,
      numberAvailable: available,
      numberUnavailable: desired - available,
      updatedNumberScheduled: updated,
    };
    if (sameStatus(status, ds.status)) return;
    await this.handle.client.resource<DaemonSet>(Resources.daemonSets, ds.metadata.namespace).updateStatus({ ...ds, status });
  }

  private async truncateHistory(ds: DaemonSet, revisions: ControllerRevision[], pods: PodLike[], hash: string): Promise<void> {
    const live = new Set([hash, ...pods.map((p) => p.metadata.labels?.[HASH_LABEL])]);
    const old = revisions.filter((r) => !live.has(r.metadata.labels?.[HASH_LABEL])).sort((a, b) => a.revision - b.revision);
    const limit = ds.spec.revisionHistoryLimit ?? 10;
    for (const r of old.slice(0, Math.max(0, old.length - limit))) {
      try {
        await this.handle.client.resource(Resources.controllerRevisions, ds.metadata.namespace).delete(r.metadata.name!);
      } catch (err) {
        if (!isNotFound(err)) throw err;
      }
    }
  }
}
