import { Resources, isConflict, isNotFound, runWorkers, type KubeObject } from "../../../../core/client/index.js";
import { parseDuration, type Controller, type ControllerManagerHandle } from "../../../../core/controller-manager/index.js";
import { deleteAllContent } from "./content-deleter.js";
import { deletionConditions, mergeConditions, sameConditions, type NamespaceCondition } from "./conditions.js";

export interface NamespaceControllerArgs {
  concurrentNamespaceSyncs: number;
  namespaceSyncPeriod: string;
  retryRemainingAfter: string;
}

interface Namespace extends KubeObject {
  spec?: { finalizers?: string[] };
  status?: { phase?: string; conditions?: NamespaceCondition[] };
}

const FINALIZER = "kubernetes";

/**
 * Upstream's namespace controller: a namespace with a deletionTimestamp is emptied of every
 * namespaced resource the API serves, its deletion conditions kept current on the way, and once
 * nothing is left its `kubernetes` finalizer is removed through `namespaces/<name>/finalize`,
 * which lets the API server delete it.
 */
export class NamespaceController implements Controller {
  readonly aliases = ["namespace-controller"];
  private readonly resyncMs: number;
  private readonly retryMs: number;

  constructor(
    private readonly args: NamespaceControllerArgs,
    private readonly handle: ControllerManagerHandle,
  ) {
    this.resyncMs = parseDuration(args.namespaceSyncPeriod);
    this.retryMs = parseDuration(args.retryRemainingAfter);
  }

  async run(signal: AbortSignal): Promise<void> {
    const { informers, logger } = this.handle;
    const queue = this.handle.newQueue<string>("namespace");
    const namespaces = informers.informerFor<Namespace>(Resources.namespaces);
    const enqueue = (ns: Namespace) => {
      if (ns.metadata.deletionTimestamp) queue.add(ns.metadata.name!);
    };
    namespaces.addEventHandler({ onAdd: enqueue, onUpdate: (_old, ns) => enqueue(ns) }, this.resyncMs);
    signal.addEventListener("abort", () => void queue.shutDownWithDrain(), { once: true });
    if (!(await namespaces.waitForSync(signal))) return;
    await runWorkers(queue, this.args.concurrentNamespaceSyncs, async (name) => {
      const wait = await this.sync(name);
      if (wait > 0) queue.addAfter(name, wait);
    }, {
      onError: (name, err) => logger.warn({ namespace: name, err: (err as Error).message }, "namespace deletion failed; retrying"),
    });
  }

  /** One pass over a deleted namespace; answers how long to wait before the next, 0 when done. */
  private async sync(name: string): Promise<number> {
    const nss = this.handle.client.resource<Namespace>(Resources.namespaces);
    let ns: Namespace;
    try {
      ns = await nss.get(name);
    } catch (err) {
      if (isNotFound(err)) return 0;
      throw err;
    }
    if (!ns.metadata.deletionTimestamp || !ns.spec?.finalizers?.includes(FINALIZER)) return 0;
    if (ns.status?.phase !== "Terminating") ns = await nss.updateStatus({ ...ns, status: { ...ns.status, phase: "Terminating" } });

    const now = this.handle.clock.now();
    const pass = await deleteAllContent(this.handle.client, name, now);
    const conditions = mergeConditions(ns.status?.conditions, deletionConditions(pass), now);
    if (!sameConditions(ns.status?.conditions, conditions)) {
      ns = await nss.updateStatus({ ...ns, status: { ...ns.status, phase: "Terminating", conditions } }).catch((err) => {
        if (isConflict(err)) return ns;
        throw err;
      });
    }
    if (pass.contentFailures.length) throw new Error(`content deletion failed: ${pass.contentFailures.join("; ")}`);
    const remaining = Object.keys(pass.remainingByResource).length;
    if (remaining) return Math.max(this.retryMs, pass.estimateSeconds * 1000);
    if (Object.keys(pass.discoveryFailures).length) throw new Error(`discovery failed for ${Object.keys(pass.discoveryFailures).join(", ")}; not finalizing`);

    await this.handle.client.request("PUT", `/api/v1/namespaces/${encodeURIComponent(name)}/finalize`, {
      body: { ...ns, spec: { ...ns.spec, finalizers: (ns.spec?.finalizers ?? []).filter((f) => f !== FINALIZER) } },
    }).catch((err) => {
      if (!isNotFound(err)) throw err;
    });
    this.handle.logger.info({ namespace: name }, "namespace emptied and finalized");
    return 0;
  }
}
