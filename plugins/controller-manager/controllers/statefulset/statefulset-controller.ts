import { CONTROLLER_UID_INDEX, Resources, controllerUidIndex, isAlreadyExists, isNotFound, runWorkers, type KubeObject, type SharedInformer } from "../../../../core/client/index.js";
import {
  Expectations,
  controllerRefOf,
  controllerRefTo,
  isPodAvailable,
  isPodReady,
  isPodTerminal,
  revisionHash,
  sameStatus,
  canonicalJson,
  type Controller,
  type ControllerManagerHandle,
} from "../../../../core/controller-manager/index.js";
import type { StatefulSetControllerArgs } from "../../../../schemas/generated/plugins/controller-manager/statefulset.args.js";
import { claimFor, claimName, podFor } from "./identity.js";
import { REVISION_LABEL, ordinalOf, type ControllerRevision, type SetPod, type StatefulSet } from "./types.js";

export type StatefulSetControllerOptions = Required<StatefulSetControllerArgs>;

const runningAndReady = (p: SetPod) => p.status?.phase === "Running" && isPodReady(p);

/**
 * Upstream's statefulset controller: pods `<set>-0 … <set>-(n-1)` with stable identity, made
 * and removed one at a time in order (OrderedReady) or all at once (Parallel); each template
 * change a ControllerRevision, rolled out from the highest ordinal down to the partition
 * (RollingUpdate) or left to the user (OnDelete); claims from volumeClaimTemplates per ordinal.
 */
export class StatefulSetController implements Controller {
  readonly aliases = ["statefulset-controller"];
  private readonly expectations: Expectations;

  constructor(
    private readonly args: StatefulSetControllerOptions,
    private readonly handle: ControllerManagerHandle,
  ) {
    this.expectations = new Expectations(() => handle.clock.now());
  }

  async run(signal: AbortSignal): Promise<void> {
    const { informers, logger } = this.handle;
    const queue = this.handle.newQueue<string>("statefulset");
    const sets = informers.informerFor<StatefulSet>(Resources.statefulSets);
    const pods = informers.informerFor<SetPod>(Resources.pods);
    const revisions = informers.informerFor<ControllerRevision>(Resources.controllerRevisions);
    const claims = informers.informerFor(Resources.persistentVolumeClaims);
    pods.addIndexers({ [CONTROLLER_UID_INDEX]: controllerUidIndex });
    revisions.addIndexers({ [CONTROLLER_UID_INDEX]: controllerUidIndex });
    const k = (o: KubeObject) => `${o.metadata.namespace}/${o.metadata.name}`;
    sets.addEventHandler({ onAdd: (s) => queue.add(k(s)), onUpdate: (_o, s) => queue.add(k(s)), onDelete: (s) => this.expectations.forget(k(s)) });
    const owner = (p: SetPod, what?: "adds" | "dels") => {
      const ref = controllerRefOf(p);
      if (ref?.kind !== "StatefulSet") return;
      const key = `${p.metadata.namespace}/${ref.name}`;
      if (what) this.expectations.observed(key, what);
      queue.add(key);
    };
    pods.addEventHandler({
      onAdd: (p) => owner(p, "adds"),
      onUpdate: (o, p) => owner(p, !o.metadata.deletionTimestamp && p.metadata.deletionTimestamp ? "dels" : undefined),
      onDelete: (p) => owner(p, p.metadata.deletionTimestamp ? undefined : "dels"),
    });
    signal.addEventListener("abort", () => void queue.shutDownWithDrain(), { once: true });
    if (!(await informers.waitForCacheSync(signal))) return;
    await runWorkers(
      queue,
      this.args.concurrentSyncs,
      async (key) => {
        const after = await this.sync(key, sets, pods, revisions, claims);
        if (after !== undefined) queue.addAfter(key, after);
      },
      { onError: (key, err) => logger.warn({ statefulset: key, err: (err as Error).message }, "statefulset sync failed; retrying") },
    );
  }

  async sync(key: string, sets: SharedInformer<StatefulSet>, podInf: SharedInformer<SetPod>, revInf: SharedInformer<ControllerRevision>, claimInf: SharedInformer<KubeObject>): Promise<number | undefined> {
    const set = sets.store.get(key);
    if (!set || set.metadata.deletionTimestamp || !this.expectations.satisfied(key)) return;
    const ns = set.metadata.namespace!;
    const owned = <T extends KubeObject>(inf: SharedInformer<T>) => inf.store.byIndex(CONTROLLER_UID_INDEX, set.metadata.uid!).filter((o) => o.metadata.namespace === ns);
    const { current, update, all } = await this.revisions(set, owned(revInf));
    const pods = owned(podInf);
    const now = this.handle.clock.now();
    const minReady = set.spec.minReadySeconds ?? 0;
    const replicas = set.spec.replicas ?? 1;
    const start = set.spec.ordinals?.start ?? 0;
    const ordered = (set.spec.podManagementPolicy ?? "OrderedReady") === "OrderedReady";
    const rolling = (set.spec.updateStrategy?.type ?? "RollingUpdate") === "RollingUpdate";
    const partition = rolling ? (set.spec.updateStrategy?.rollingUpdate?.partition ?? 0) : 0;
    const slots = new Map<number, SetPod>();
    const condemned: SetPod[] = [];
    for (const p of pods) {
      const ord = ordinalOf(set, p);
      if (ord === undefined) continue;
      if (ord >= start && ord < start + replicas) slots.set(ord, p);
      else condemned.push(p);
    }
    condemned.sort((a, b) => ordinalOf(set, b)! - ordinalOf(set, a)!);
    let requeue: number | undefined;
    const podClient = this.handle.client.resource<SetPod>(Resources.pods, ns);

    const act = async (): Promise<void> => {
      for (let ord = start; ord < start + replicas; ord++) {
        const pod = slots.get(ord);
        if (pod && isPodTerminal(pod) && !pod.metadata.deletionTimestamp) {
          // A finished pod is replaced under the same name.
          await this.deletePod(set, pod, "recreating failed pod");
          if (ordered) return;
          continue;
        }
        if (!pod) {
          // New pods take the current revision below the partition, the update revision above it.
          const rev = rolling && ord < start + partition ? current : update;
          await this.createClaims(set, ord, claimInf);
          this.expectations.expect(key, 1, 0);
          try {
            const made = await podClient.create(podFor(set, rev.data.spec.template, rev.metadata.name!, ord) as SetPod);
            this.handle.recorder.event(set, "Normal", "SuccessfulCreate", "Create", `create Pod ${made.metadata.name} in StatefulSet ${set.metadata.name} successful`);
          } catch (err) {
            this.expectations.observed(key, "adds");
            if (!isAlreadyExists(err)) throw err;
          }
          if (ordered) return;
          continue;
        }
        if (ordered && (pod.metadata.deletionTimestamp || !runningAndReady(pod))) return;
        if (ordered && !isPodAvailable(pod, minReady, now)) {
          requeue = minReady * 1000;
          return;
        }
      }
      // Scale down from the highest ordinal; OrderedReady waits for each to go and for the rest to be ready.
      for (const pod of condemned) {
        if (pod.metadata.deletionTimestamp) {
          if (ordered) return;
          continue;
        }
        if (ordered && [...slots.values()].some((p) => !runningAndReady(p))) return;
        await this.releaseClaimsOnScaleDown(set, ordinalOf(set, pod)!, pod, claimInf);
        await this.deletePod(set, pod, "scale down");
        if (ordered) return;
      }
      if (!rolling) return;
      // Roll from the highest ordinal down to the partition, one unavailable pod at a time.
      if ([...slots.values()].some((p) => p.metadata.deletionTimestamp || !runningAndReady(p))) return;
      for (let ord = start + replicas - 1; ord >= start + partition; ord--) {
        const pod = slots.get(ord);
        if (pod && pod.metadata.labels?.[REVISION_LABEL] !== update.metadata.name) {
          await this.deletePod(set, pod, "rolling update");
          return;
        }
      }
    };
    await act();

    await this.writeStatus(set, owned(podInf), current, update, now);
    await this.truncateHistory(set, all, owned(podInf), current, update);
    return requeue;
  }

  /** Finds or makes the revision of the set's template; the current one is status.currentRevision's. */
  private async revisions(set: StatefulSet, existing: ControllerRevision[]) {
    const ns = set.metadata.namespace!;
    const data = { spec: { template: { ...structuredClone(set.spec.template), $patch: "replace" } } } as ControllerRevision["data"];
    const client = this.handle.client.resource<ControllerRevision>(Resources.controllerRevisions, ns);
    const all = [...existing].sort((a, b) => a.revision - b.revision);
    const maxRev = all.reduce((m, r) => Math.max(m, r.revision), 0);
    const same = all.find((r) => canonicalJson(r.data) === canonicalJson(data));
    let update: ControllerRevision;
    if (same) {
      update = same;
      // Returning to an old template makes its revision the newest again.
      if (same.revision < maxRev) {
        update = await client.update({ ...same, revision: maxRev + 1 });
        all.splice(all.indexOf(same), 1, update);
      }
    } else {
      const hash = revisionHash(data, set.status?.collisionCount ?? 0);
      const revision: ControllerRevision = {
        apiVersion: "apps/v1",
        kind: "ControllerRevision",
        metadata: { name: `${set.metadata.name}-${hash}`, namespace: ns, labels: { ...set.spec.template.metadata?.labels, [REVISION_LABEL]: hash }, ownerReferences: [controllerRefTo(set, "apps/v1", "StatefulSet")] },
        data,
        revision: maxRev + 1,
      };
      try {
        update = await client.create(revision);
      } catch (err) {
        if (!isAlreadyExists(err)) throw err;
        update = await client.get(revision.metadata.name!);
      }
      all.push(update);
    }
    const current = all.find((r) => r.metadata.name === set.status?.currentRevision) ?? update;
    return { current, update, all };
  }

  private async createClaims(set: StatefulSet, ord: number, claims: SharedInformer<KubeObject>): Promise<void> {
    for (const tpl of set.spec.volumeClaimTemplates ?? []) {
      if (claims.store.getBy(set.metadata.namespace, claimName(set, tpl, ord))) continue;
      try {
        await this.handle.client.resource(Resources.persistentVolumeClaims, set.metadata.namespace).create(claimFor(set, tpl, ord));
      } catch (err) {
        if (!isAlreadyExists(err)) throw err;
      }
    }
  }

  /** `whenScaled: Delete`: a condemned pod's claims get the pod as owner, so they go with it. */
  private async releaseClaimsOnScaleDown(set: StatefulSet, ord: number, pod: SetPod, claims: SharedInformer<KubeObject>): Promise<void> {
    if (set.spec.persistentVolumeClaimRetentionPolicy?.whenScaled !== "Delete") return;
    for (const tpl of set.spec.volumeClaimTemplates ?? []) {
      const claim = claims.store.getBy(set.metadata.namespace, claimName(set, tpl, ord));
      if (!claim || claim.metadata.ownerReferences?.some((r) => r.uid === pod.metadata.uid)) continue;
      const refs = [...(claim.metadata.ownerReferences ?? []).filter((r) => r.uid !== set.metadata.uid), { apiVersion: "v1", kind: "Pod", name: pod.metadata.name!, uid: pod.metadata.uid! }];
      await this.handle.client.resource(Resources.persistentVolumeClaims, set.metadata.namespace).patch(claim.metadata.name!, "merge", { metadata: { ownerReferences: refs } });
    }
  }

  private async deletePod(set: StatefulSet, pod: SetPod, why: string): Promise<void> {
    const key = `${set.metadata.namespace}/${set.metadata.name}`;
    this.expectations.expect(key, 0, 1);
    try {
      await this.handle.client.resource(Resources.pods, set.metadata.namespace).delete(pod.metadata.name!, { preconditions: { uid: pod.metadata.uid! } });
      this.handle.recorder.event(set, "Normal", "SuccessfulDelete", "Delete", `delete Pod ${pod.metadata.name} in StatefulSet ${set.metadata.name} successful (${why})`);
    } catch (err) {
      this.expectations.observed(key, "dels");
      if (!isNotFound(err)) throw err;
    }
  }

  private async writeStatus(set: StatefulSet, pods: SetPod[], current: ControllerRevision, update: ControllerRevision, now: number): Promise<void> {
    const minReady = set.spec.minReadySeconds ?? 0;
    const live = pods.filter((p) => !p.metadata.deletionTimestamp);
    const status: Record<string, unknown> = {
      observedGeneration: set.metadata.generation ?? 0,
      replicas: pods.length,
      readyReplicas: pods.filter(runningAndReady).length,
      availableReplicas: pods.filter((p) => runningAndReady(p) && isPodAvailable(p, minReady, now)).length,
      currentReplicas: live.filter((p) => p.metadata.labels?.[REVISION_LABEL] === current.metadata.name).length,
      updatedReplicas: live.filter((p) => p.metadata.labels?.[REVISION_LABEL] === update.metadata.name).length,
      currentRevision: current.metadata.name,
      updateRevision: update.metadata.name,
      collisionCount: set.status?.collisionCount ?? 0,
    };
    // Once every wanted pod runs the update revision, it becomes the current one.
    const replicas = set.spec.replicas ?? 1;
    if (status.updatedReplicas === replicas && status.readyReplicas === replicas && pods.length === replicas) {
      status.currentRevision = update.metadata.name;
      status.currentReplicas = status.updatedReplicas;
    }
    if (sameStatus({ ...set.status, ...status }, set.status)) return;
    await this.handle.client.resource<StatefulSet>(Resources.statefulSets, set.metadata.namespace).updateStatus({ ...set, status: { ...set.status, ...status } });
  }

  /** Keeps revisionHistoryLimit (10) revisions besides the current and update ones and those pods use. */
  private async truncateHistory(set: StatefulSet, all: ControllerRevision[], pods: SetPod[], current: ControllerRevision, update: ControllerRevision): Promise<void> {
    const live = new Set([current.metadata.name, update.metadata.name, ...pods.map((p) => p.metadata.labels?.[REVISION_LABEL])]);
    const history = all.filter((r) => !live.has(r.metadata.name)).sort((a, b) => a.revision - b.revision);
    const limit = set.spec.revisionHistoryLimit ?? 10;
    for (const r of history.slice(0, Math.max(0, history.length - limit))) {
      try {
        await this.handle.client.resource(Resources.controllerRevisions, set.metadata.namespace).delete(r.metadata.name!);
      } catch (err) {
        if (!isNotFound(err)) throw err;
      }
    }
  }
}

