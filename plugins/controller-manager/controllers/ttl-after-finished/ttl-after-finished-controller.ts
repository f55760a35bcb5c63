import { Resources, isNotFound, runWorkers, type KubeObject } from "../../../../core/client/index.js";
import type { Condition, Controller, ControllerManagerHandle } from "../../../../core/controller-manager/index.js";
import type { TtlAfterFinishedControllerArgs } from "../../../../schemas/generated/plugins/controller-manager/ttl-after-finished.args.js";

export type TtlAfterFinishedOptions = Required<TtlAfterFinishedControllerArgs>;

interface Job extends KubeObject {
  spec?: { ttlSecondsAfterFinished?: number };
  status?: { conditions?: Condition[] };
}

/** When a finished Job's TTL runs out (ms), or undefined if it has none or is not finished. */
export function expiresAt(job: Job): number | undefined {
  const ttl = job.spec?.ttlSecondsAfterFinished;
  if (ttl === undefined || ttl === null || job.metadata.deletionTimestamp) return;
  const done = job.status?.conditions?.find((c) => (c.type === "Complete" || c.type === "Failed") && c.status === "True");
  if (!done?.lastTransitionTime) return;
  return Date.parse(done.lastTransitionTime) + ttl * 1000;
}

/**
 * Upstream's ttl-after-finished controller: a Job finished for `ttlSecondsAfterFinished` is
 * deleted, after a fresh read confirms the TTL still holds, with a UID precondition and
 * foreground propagation so its pods go first.
 */
export class TtlAfterFinishedController implements Controller {
  readonly aliases = ["ttl-after-finished-controller"];

  constructor(
    private readonly args: TtlAfterFinishedOptions,
    private readonly handle: ControllerManagerHandle,
  ) {}

  async run(signal: AbortSignal): Promise<void> {
    const { informers, logger, clock } = this.handle;
    const queue = this.handle.newQueue<string>("ttl_jobs_to_delete");
    const jobs = informers.informerFor<Job>(Resources.jobs);
    const consider = (j: Job) => {
      if (expiresAt(j) !== undefined) queue.add(`${j.metadata.namespace}/${j.metadata.name}`);
    };
    jobs.addEventHandler({ onAdd: consider, onUpdate: (_o, j) => consider(j) });
    signal.addEventListener("abort", () => void queue.shutDownWithDrain(), { once: true });
    if (!(await informers.waitForCacheSync(signal))) return;
    const sync = async (key: string) => {
      const cached = jobs.store.get(key);
      const at = cached ? expiresAt(cached) : undefined;
      if (!cached || at === undefined) return;
      if (at > clock.now()) return queue.addAfter(key, at - clock.now());
      const client = this.handle.client.resource<Job>(Resources.jobs, cached.metadata.namespace);
      try {
        const fresh = await client.get(cached.metadata.name!);
        const freshAt = expiresAt(fresh);
        if (freshAt === undefined) return;
        if (freshAt > clock.now()) return queue.addAfter(key, freshAt - clock.now());
        await client.delete(fresh.metadata.name!, { propagationPolicy: "Foreground", preconditions: { uid: fresh.metadata.uid! } });
        logger.debug({ job: key }, "deleted a finished Job whose TTL expired");
      } catch (err) {
        if (!isNotFound(err)) throw err;
      }
    };
    await runWorkers(queue, this.args.concurrentSyncs, sync, {
      onError: (key, err) => logger.warn({ job: key, err: (err as Error).message }, "ttl-after-finished sync failed; retrying"),
    });
  }
}
