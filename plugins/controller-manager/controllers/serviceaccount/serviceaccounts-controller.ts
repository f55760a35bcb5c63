import { Resources, isAlreadyExists, isForbidden, isNotFound, runWorkers, type KubeObject } from "../../../../core/client/index.js";
import type { Controller, ControllerManagerHandle } from "../../../../core/controller-manager/index.js";

export interface ServiceAccountsControllerArgs {
  serviceAccounts: string[];
  concurrentSyncs: number;
}

/**
 * Upstream's serviceaccounts controller: every active namespace holds the listed ServiceAccounts
 * (`default`); a namespace is synced when it appears or changes and when one of those accounts is
 * deleted, so a deleted `default` comes back.
 */
export class ServiceAccountsController implements Controller {
  readonly aliases = ["serviceaccount-controller"];

  constructor(
    private readonly args: ServiceAccountsControllerArgs,
    private readonly handle: ControllerManagerHandle,
  ) {}

  async run(signal: AbortSignal): Promise<void> {
    const { informers, logger } = this.handle;
    const queue = this.handle.newQueue<string>("serviceaccount");
    const namespaces = informers.informerFor(Resources.namespaces);
    const accounts = informers.informerFor(Resources.serviceAccounts);
    namespaces.addEventHandler({
      onAdd: (ns) => queue.add(ns.metadata.name!),
      onUpdate: (_old, ns) => queue.add(ns.metadata.name!),
    });
    accounts.addEventHandler({
      onDelete: (sa) => {
        if (this.args.serviceAccounts.includes(sa.metadata.name!)) queue.add(sa.metadata.namespace!);
      },
    });
    signal.addEventListener("abort", () => void queue.shutDownWithDrain(), { once: true });
    if (!(await informers.waitForCacheSync(signal))) return;

    const sync = async (name: string) => {
      const ns = namespaces.store.getBy(undefined, name);
      // Nothing is made in a namespace that is going away; the API server would refuse it anyway.
      if (!ns || ns.metadata.deletionTimestamp || (ns.status as { phase?: string } | undefined)?.phase === "Terminating") return;
      for (const saName of this.args.serviceAccounts) {
        if (accounts.store.getBy(name, saName)) continue;
        const sa: KubeObject = { apiVersion: "v1", kind: "ServiceAccount", metadata: { name: saName, namespace: name } };
        try {
          await this.handle.client.resource(Resources.serviceAccounts, name).create(sa);
        } catch (err) {
          if (isAlreadyExists(err) || isNotFound(err) || isForbidden(err)) continue;
          throw err;
        }
      }
    };
    await runWorkers(queue, this.args.concurrentSyncs, sync, {
      onError: (key, err) => logger.warn({ namespace: key, err: (err as Error).message }, "serviceaccount sync failed; retrying"),
    });
  }
}
