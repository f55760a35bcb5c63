import { Resources, isNotFound, objectKey, rfc3339, runWorkers, splitKey, type SharedInformer, type TimerHandle } from "../../../../core/client/index.js";
import type { ControllerManagerHandle, Pod } from "../../../../core/controller-manager/index.js";
import type { Node } from "./node-health.js";
import { tolerationWindowMs, type Taint } from "./taints.js";

export const NODE_NAME_INDEX = "nodelifecycle.nodeName";
export const nodeNameIndex = (pod: Pod): string[] => (pod.spec?.nodeName ? [pod.spec.nodeName] : []);

const noExecuteTaints = (node: Node | undefined): Taint[] => (node?.spec?.taints ?? []).filter((t) => t.effect === "NoExecute");

/**
 * Upstream's taint eviction controller (the taint manager): a pod on a node with NoExecute
 * taints it does not tolerate is deleted at once; one that tolerates them all for a while
 * (tolerationSeconds) is deleted when the shortest of those runs out, counted from when this
 * controller first saw it so; taints going away cancel that. Deleted pods first get the
 * DisruptionTarget condition saying why.
 */
export class TaintEviction {
  /** Pods waiting out their toleration: pod key → when the wait began and its timer. */
  private readonly scheduled = new Map<string, { since: number; timer: TimerHandle }>();

  constructor(
    private readonly handle: ControllerManagerHandle,
    private readonly nodes: SharedInformer<Node>,
    private readonly pods: SharedInformer<Pod>,
    private readonly workers: number,
  ) {}

  async run(signal: AbortSignal): Promise<void> {
    const { clock, logger } = this.handle;
    const queue = this.handle.newQueue<string>("taint_eviction");
    const queueNode = (name: string) => {
      for (const pod of this.pods.store.byIndex(NODE_NAME_INDEX, name)) queue.add(objectKey(pod));
    };
    this.nodes.addEventHandler({
      onAdd: (n) => queueNode(n.metadata.name!),
      onUpdate: (old, n) => {
        if (JSON.stringify(noExecuteTaints(old)) !== JSON.stringify(noExecuteTaints(n))) queueNode(n.metadata.name!);
      },
    });
    this.pods.addEventHandler({
      onAdd: (p) => queue.add(objectKey(p)),
      onUpdate: (old, p) => {
        if (old.spec?.nodeName !== p.spec?.nodeName || JSON.stringify(old.spec?.tolerations) !== JSON.stringify(p.spec?.tolerations)) queue.add(objectKey(p));
      },
      onDelete: (p) => this.cancel(objectKey(p)),
    });
    signal.addEventListener(
      "abort",
      () => {
        for (const key of [...this.scheduled.keys()]) this.cancel(key);
        void queue.shutDownWithDrain();
      },
      { once: true },
    );
    if (!(await this.handle.informers.waitForCacheSync(signal))) return;

    const sync = async (key: string) => {
      const pod = this.pods.store.get(key);
      if (!pod || pod.metadata.deletionTimestamp || !pod.spec?.nodeName) return this.cancel(key);
      const taints = noExecuteTaints(this.nodes.store.getBy(undefined, pod.spec.nodeName));
      if (!taints.length) return this.cancel(key);
      const windowMs = tolerationWindowMs(pod.spec.tolerations ?? [], taints);
      if (windowMs === Infinity) return this.cancel(key);
      const now = clock.now();
      const since = this.scheduled.get(key)?.since ?? now;
      this.cancel(key);
      if (since + windowMs <= now) return this.evict(pod);
      const timer = clock.setTimeout(() => queue.add(key), since + windowMs - now);
      this.scheduled.set(key, { since, timer });
    };
    await runWorkers(queue, this.workers, sync, {
      onError: (key, err) => logger.warn({ pod: key, err: (err as Error).message }, "taint eviction failed; retrying"),
    });
  }

  private cancel(key: string): void {
    const s = this.scheduled.get(key);
    if (s) this.handle.clock.clearTimeout(s.timer);
    this.scheduled.delete(key);
  }

  private async evict(pod: Pod): Promise<void> {
    const { namespace, name } = splitKey(objectKey(pod));
    const pods = this.handle.client.resource<Pod>(Resources.pods, namespace);
    this.handle.recorder.event(pod, "Normal", "TaintManagerEviction", "Deleting", `Marking for deletion Pod ${namespace}/${name}`);
    const condition = { type: "DisruptionTarget", status: "True", reason: "DeletionByTaintManager", message: "Taint manager: deleting due to NoExecute taint", lastTransitionTime: rfc3339(this.handle.clock.now()) };
    const conditions = [...(pod.status?.conditions ?? []).filter((c) => c.type !== "DisruptionTarget"), condition];
    try {
      await pods.updateStatus({ ...pod, status: { ...pod.status, conditions } });
      await pods.delete(name);
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
  }
}
