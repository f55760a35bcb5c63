import { Resources, runWorkers, type KubeObject, type SharedInformer } from "../../../../core/client/index.js";
import { selectorFromLabelSelector, type LabelSelector } from "../../../../core/api/labels.js";
import { isPodReady, sameStatus, scaledValue, setCondition, timeString, type Condition, type Controller, type ControllerManagerHandle, type PodLike } from "../../../../core/controller-manager/index.js";
import type { DisruptionControllerArgs } from "../../../../schemas/generated/plugins/controller-manager/disruption.args.js";
import { ScaleFinder } from "./expected-scale.js";

export type DisruptionControllerOptions = Required<DisruptionControllerArgs>;

interface Pdb extends KubeObject {
  spec: { selector?: LabelSelector; minAvailable?: number | string; maxUnavailable?: number | string };
  status?: { disruptedPods?: Record<string, string>; conditions?: Condition[]; [k: string]: unknown };
}

/** How long an eviction's entry in disruptedPods holds a pod out of the healthy count. */
const DELETION_TIMEOUT_MS = 2 * 60_000;

/**
 * Upstream's disruption controller: keeps a PodDisruptionBudget's status (currentHealthy,
 * desiredHealthy, expectedPods, disruptionsAllowed, the DisruptionAllowed condition) current for
 * the pods it selects, so that the eviction API can decide.
 */
export class DisruptionController implements Controller {
  readonly aliases = ["disruption-controller"];

  constructor(
    private readonly args: DisruptionControllerOptions,
    private readonly handle: ControllerManagerHandle,
  ) {}

  async run(signal: AbortSignal): Promise<void> {
    const { informers, logger } = this.handle;
    const queue = this.handle.newQueue<string>("disruption");
    const pdbs = informers.informerFor<Pdb>(Resources.podDisruptionBudgets);
    const pods = informers.informerFor<PodLike>(Resources.pods);
    const k = (o: KubeObject) => `${o.metadata.namespace}/${o.metadata.name}`;
    pdbs.addEventHandler({ onAdd: (p) => queue.add(k(p)), onUpdate: (_o, p) => queue.add(k(p)) });
    const podChanged = (p: PodLike) => {
      for (const pdb of pdbs.store.byIndex("namespace", p.metadata.namespace!)) if (selects(pdb, p)) queue.add(k(pdb));
    };
    pods.addEventHandler({ onAdd: podChanged, onUpdate: (_o, p) => podChanged(p), onDelete: podChanged });
    signal.addEventListener("abort", () => void queue.shutDownWithDrain(), { once: true });
    if (!(await informers.waitForCacheSync(signal))) return;
    const finder = new ScaleFinder(this.handle.client);
    await runWorkers(
      queue,
      this.args.concurrentSyncs,
      async (key) => {
        const after = await this.sync(key, pdbs, pods, finder);
        if (after !== undefined) queue.addAfter(key, after);
      },
      { onError: (key, err) => logger.warn({ pdb: key, err: (err as Error).message }, "disruption sync failed; retrying") },
    );
  }

  async sync(key: string, pdbs: SharedInformer<Pdb>, podInf: SharedInformer<PodLike>, finder: ScaleFinder): Promise<number | undefined> {
    const pdb = pdbs.store.get(key);
    if (!pdb || pdb.metadata.deletionTimestamp) return;
    const now = this.handle.clock.now();
    const pods = podInf.store.byIndex("namespace", pdb.metadata.namespace!).filter((p) => selects(pdb, p));
    let counts: { expected: number; desired: number };
    try {
      counts = await this.expectedAndDesired(pdb, pods, finder);
    } catch (err) {
      this.handle.recorder.event(pdb, "Warning", "CalculateExpectedPodCountFailed", "Sync", `Failed to calculate the number of expected pods: ${(err as Error).message}`);
      await this.write(pdb, { ...pdb.status, disruptionsAllowed: 0 }, { type: "DisruptionAllowed", status: "False", reason: "SyncFailed", message: (err as Error).message }, now);
      return;
    }
    // Pods the eviction API just let go stay out of the healthy count until they are gone or time out.
    const disrupted: Record<string, string> = {};
    let recheck: number | undefined;
    for (const [name, at] of Object.entries(pdb.status?.disruptedPods ?? {})) {
      const pod = pods.find((p) => p.metadata.name === name);
      const left = Date.parse(at) + DELETION_TIMEOUT_MS - now;
      if (!pod || pod.metadata.deletionTimestamp || left <= 0) continue;
      disrupted[name] = at;
      recheck = Math.min(recheck ?? left, left);
    }
    const healthy = pods.filter((p) => !p.metadata.deletionTimestamp && isPodReady(p) && !(p.metadata.name! in disrupted)).length;
    const allowed = counts.expected > 0 ? Math.max(0, healthy - counts.desired) : 0;
    const status = {
      ...pdb.status,
      currentHealthy: healthy,
      desiredHealthy: counts.desired,
      expectedPods: counts.expected,
      disruptionsAllowed: allowed,
      observedGeneration: pdb.metadata.generation ?? 0,
      disruptedPods: disrupted,
    };
    const cond: Condition = allowed > 0 ? { type: "DisruptionAllowed", status: "True", reason: "SufficientPods", message: "" } : { type: "DisruptionAllowed", status: "False", reason: "InsufficientPods", message: "" };
    await this.write(pdb, status, cond, now);
    return recheck;
  }

  /** expectedPods and desiredHealthy as upstream computes them for each form of the budget. */
  private async expectedAndDesired(pdb: Pdb, pods: PodLike[], finder: ScaleFinder): Promise<{ expected: number; desired: number }> {
    const { minAvailable, maxUnavailable } = pdb.spec;
    if (typeof minAvailable === "number" || (typeof minAvailable === "string" && /^\d+$/.test(minAvailable))) {
      return { expected: pods.length, desired: Number(minAvailable) };
    }
    // A percentage or maxUnavailable counts against what the pods' controllers want.
    // One lookup per controller, not per pod: pods of one ReplicaSet share it.
    const byController = new Map<string, PodLike>();
    for (const p of pods) {
      const ref = p.metadata.ownerReferences?.find((o) => o.controller);
      if (!ref) throw new Error(`found no controllers for pod "${p.metadata.name}"`);
      if (!byController.has(ref.uid)) byController.set(ref.uid, p);
    }
    const scales = new Map<string, number>();
    for (const p of byController.values()) {
      const s = (await finder.scaleOf(p))!;
      scales.set(s.uid, s.replicas);
    }
    const expected = [...scales.values()].reduce((a, b) => a + b, 0);
    if (maxUnavailable !== undefined) return { expected, desired: Math.max(0, expected - scaledValue(maxUnavailable, expected, true)) };
    return { expected, desired: scaledValue(minAvailable, expected, true) };
  }

  private async write(pdb: Pdb, status: Pdb["status"] & object, cond: Condition, now: number): Promise<void> {
    const conditions = structuredClone(pdb.status?.conditions ?? []);
    setCondition(conditions, { ...cond, lastTransitionTime: timeString(now), observedGeneration: pdb.metadata.generation ?? 0 });
    const next = { ...status, conditions };
    if (sameStatus(next, pdb.status)) return;
    await this.handle.client.resource<Pdb>(Resources.podDisruptionBudgets, pdb.metadata.namespace).updateStatus({ ...pdb, status: next });
  }
}

/** policy/v1: an empty selector selects every pod of the namespace; a missing one none. */
function selects(pdb: Pdb, pod: PodLike): boolean {
  if (!pdb.spec.selector) return false;
  try {
    return selectorFromLabelSelector(pdb.spec.selector).matches(pod.metadata.labels ?? {});
  } catch {
    return false;
  }
}
