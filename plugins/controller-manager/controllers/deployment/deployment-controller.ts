import { selectorFromLabelSelector } from "../../../../core/api/labels.js";
import { CONTROLLER_UID_INDEX, NAMESPACE_INDEX, Resources, controllerUidIndex, objectKey, runWorkers, type SharedInformer } from "../../../../core/client/index.js";
import { claimObjects, controllerOf, controllerRef, type Controller, type ControllerManagerHandle, type Pod } from "../../../../core/controller-manager/index.js";
import type { DeploymentControllerArgs as GeneratedArgs } from "../../../../schemas/generated/plugins/controller-manager/deployment.args.js";
import { newAndOldSets } from "./new-replica-set.js";
import { isScalingEvent, scale, cleanupOldSets } from "./scaling.js";
import { checkPausedConditions, syncDeploymentStatus } from "./status.js";
import { rolloutRecreate, rolloutRolling } from "./strategies.js";
import { deploymentRef, type SyncEnv } from "./sync-env.js";
import type { Deployment, ReplicaSet } from "./types.js";

export type DeploymentControllerArgs = Required<GeneratedArgs>;

/**
 * Upstream's DeploymentController (pkg/controller/deployment): owns ReplicaSets by controller
 * reference, one per pod template (named and labelled by its pod-template-hash), and moves
 * replicas from old sets to the new one as the strategy says, reporting progress in status.
 */
export class DeploymentController implements Controller {
  readonly aliases = ["deployment-controller"];
  private deployments!: SharedInformer<Deployment>;
  private sets!: SharedInformer<ReplicaSet>;
  private pods!: SharedInformer<Pod>;

  constructor(
    private readonly args: DeploymentControllerArgs,
    private readonly handle: ControllerManagerHandle,
  ) {}

  async run(signal: AbortSignal): Promise<void> {
    const { informers, logger } = this.handle;
    const queue = this.handle.newQueue<string>("deployment");
    this.deployments = informers.informerFor<Deployment>(Resources.deployments);
    this.sets = informers.informerFor<ReplicaSet>(Resources.replicaSets);
    this.pods = informers.informerFor<Pod>(Resources.pods);
    this.sets.addIndexers({ [CONTROLLER_UID_INDEX]: controllerUidIndex });
    this.pods.addIndexers({ [CONTROLLER_UID_INDEX]: controllerUidIndex });
    const enqueue = (d: Deployment | undefined) => d && queue.add(objectKey(d));
    this.deployments.addEventHandler({ onAdd: enqueue, onUpdate: (_o, d) => enqueue(d), onDelete: enqueue });
    this.sets.addEventHandler({
      onAdd: (rs) => this.ownersOf(rs).forEach(enqueue),
      onUpdate: (old, rs) => {
        if (old.metadata.resourceVersion === rs.metadata.resourceVersion) return;
        const oldRef = controllerOf(old);
        const ref = controllerOf(rs);
        if (oldRef && oldRef.uid !== ref?.uid) enqueue(this.resolve(old.metadata.namespace, oldRef));
        if (ref) return enqueue(this.resolve(rs.metadata.namespace, ref));
        if (oldRef || JSON.stringify(old.metadata.labels) !== JSON.stringify(rs.metadata.labels)) this.ownersOf(rs).forEach(enqueue);
      },
      onDelete: (rs) => enqueue(this.resolve(rs.metadata.namespace, controllerOf(rs))),
    });
    // Recreate waits for the old pods to be gone; their deletion is what tells it.
    this.pods.addEventHandler({
      onDelete: (pod) => {
        const rsRef = controllerOf(pod);
        const rs = rsRef?.kind === "ReplicaSet" ? this.sets.store.getBy(pod.metadata.namespace, rsRef.name) : undefined;
        const d = rs && this.resolve(rs.metadata.namespace, controllerOf(rs));
        if (d?.spec.strategy?.type === "Recreate") enqueue(d);
      },
    });
    signal.addEventListener("abort", () => void queue.shutDownWithDrain(), { once: true });
    if (!(await informers.waitForCacheSync(signal))) return;
    const env = this.env((d, ms) => queue.addAfter(objectKey(d), ms));
    await runWorkers(queue, this.args.concurrentSyncs, (key) => this.sync(env, key), {
      onError: (key, err) => logger.warn({ deployment: key, err: (err as Error).message }, "deployment sync failed; retrying"),
    });
  }

  private env(requeueAfter: SyncEnv["requeueAfter"]): SyncEnv {
    const { client, recorder, clock } = this.handle;
    return {
      replicaSets: (ns) => client.resource<ReplicaSet>(Resources.replicaSets, ns),
      deployments: (ns) => client.resource<Deployment>(Resources.deployments, ns),
      cachedReplicaSet: (ns, name) => this.sets.store.getBy(ns, name),
      podsOf: (rs) => this.pods.store.byIndex(CONTROLLER_UID_INDEX, rs.metadata.uid!),
      recorder,
      clock,
      requeueAfter,
    };
  }

  private resolve(namespace: string | undefined, ref: { kind: string; name: string; uid: string } | undefined): Deployment | undefined {
    if (!ref || ref.kind !== "Deployment") return undefined;
    const d = this.deployments.store.getBy(namespace, ref.name);
    return d?.metadata.uid === ref.uid ? d : undefined;
  }

  /** The Deployment controlling `rs`, or for an orphan every Deployment that would adopt it. */
  private ownersOf(rs: ReplicaSet): Deployment[] {
    const ref = controllerOf(rs);
    if (ref) {
      const d = this.resolve(rs.metadata.namespace, ref);
      return d ? [d] : [];
    }
    return this.deployments.store.byIndex(NAMESPACE_INDEX, rs.metadata.namespace ?? "").filter((d) => {
      try {
        const sel = selectorFromLabelSelector(d.spec.selector ?? {});
        return !sel.empty() && sel.matches(rs.metadata.labels ?? {});
      } catch {
        return false;
      }
    });
  }

  /** Upstream's syncDeployment. */
  private async sync(env: SyncEnv, key: string): Promise<void> {
    const cached = this.deployments.store.get(key);
    if (!cached) return;
    const d = structuredClone(cached);
    const ns = d.metadata.namespace!;
    const selector = selectorFromLabelSelector(d.spec.selector ?? {});
    if (selector.empty()) {
      env.recorder.event(deploymentRef(d), "Warning", "SelectingAll", "Select", "This deployment is selecting all pods. A non-empty selector is required.");
      if ((d.status?.observedGeneration ?? 0) < (d.metadata.generation ?? 0)) {
        await env.deployments(ns).updateStatus({ ...d, apiVersion: "apps/v1", kind: "Deployment", status: { ...d.status, observedGeneration: d.metadata.generation ?? 0 } });
      }
      return;
    }
    const sets = await claimObjects(this.sets.store.byIndex(NAMESPACE_INDEX, ns), {
      owner: d,
      ref: controllerRef(d, "apps/v1", "Deployment"),
      selector,
      client: env.replicaSets(ns),
      canAdopt: async () => {
        const fresh = await env.deployments(ns).get(d.metadata.name!);
        return fresh.metadata.uid === d.metadata.uid && !fresh.metadata.deletionTimestamp;
      },
    });
    if (d.metadata.deletionTimestamp) {
      const { newRS, oldRSs } = await newAndOldSets(env, d, sets, false);
      return syncDeploymentStatus(env, [...oldRSs, ...(newRS ? [newRS] : [])], newRS, d);
    }
    await checkPausedConditions(env, d);
    if (d.spec.paused || isScalingEvent(d, sets)) return this.scaleOnly(env, d, sets);
    if (d.spec.strategy?.type === "Recreate") return rolloutRecreate(env, d, sets);
    return rolloutRolling(env, d, sets);
  }

  /** Upstream's sync: resize without rolling (paused, or replicas changed), trimming history while paused. */
  private async scaleOnly(env: SyncEnv, d: Deployment, sets: ReplicaSet[]): Promise<void> {
    const { newRS, oldRSs } = await newAndOldSets(env, d, sets, false);
    await scale(env, d, newRS, oldRSs);
    if (d.spec.paused) await cleanupOldSets(env, d, oldRSs);
    // Status counts pods, which the sizes just written have not moved yet; their sets' updates bring another sync.
    await syncDeploymentStatus(env, [...oldRSs, ...(newRS ? [newRS] : [])], newRS, d);
  }
}
