import { isDeepStrictEqual } from "node:util";
import { Resources, isConflict, isNotFound, runWorkers, type KubeObject, type ResourceRef } from "../../../../core/client/index.js";
import type { Controller, ControllerManagerHandle } from "../../../../core/controller-manager/index.js";
import { formatQuantity, usageOf } from "../../../../core/api/quota-usage.js";
import type { ResourceQuotaControllerArgs as ResourceQuotaControllerArgsSchema } from "../../../../schemas/generated/plugins/controller-manager/resourcequota.args.js";

const RESOURCE_QUOTAS: ResourceRef = { group: "", version: "v1", resource: "resourcequotas", namespaced: true, kind: "ResourceQuota" };

/** The core resources whose usage is counted, and the quota keys each one's objects feed. */
const COUNTED: { ref: ResourceRef; feeds: (key: string) => boolean }[] = [
  { ref: Resources.pods, feeds: (k) => k === "pods" || k === "count/pods" || (/^(requests|limits)\./.test(k) && !k.endsWith(".storage")) || k === "cpu" || k === "memory" || k === "ephemeral-storage" },
  { ref: Resources.services, feeds: (k) => k === "services" || k === "count/services" || k.startsWith("services.") },
  { ref: Resources.persistentVolumeClaims, feeds: (k) => k === "persistentvolumeclaims" || k === "count/persistentvolumeclaims" || k === "requests.storage" || k.includes(".storageclass.storage.k8s.io/") },
  { ref: Resources.configMaps, feeds: (k) => k === "configmaps" || k === "count/configmaps" },
  { ref: Resources.secrets, feeds: (k) => k === "secrets" || k === "count/secrets" },
  { ref: Resources.replicationControllers, feeds: (k) => k === "replicationcontrollers" || k === "count/replicationcontrollers" },
  { ref: RESOURCE_QUOTAS, feeds: (k) => k === "resourcequotas" || k === "count/resourcequotas" },
];

/** The args after the schema's defaults are applied. */
export type ResourceQuotaControllerArgs = Required<ResourceQuotaControllerArgsSchema>;

/**
 * Upstream's resource quota controller: each ResourceQuota's status.hard follows spec.hard and
 * status.used is recomputed from the namespace's objects whenever a quota or a counted object
 * changes, and on a period, which also gives back what admission charged for creates that failed.
 */
export class ResourceQuotaController implements Controller {
  readonly aliases = ["resourcequota-controller"];

  constructor(
    private readonly args: ResourceQuotaControllerArgs,
    private readonly handle: ControllerManagerHandle,
  ) {}

  async run(signal: AbortSignal): Promise<void> {
    const { informers, logger, client } = this.handle;
    const queue = this.handle.newQueue<string>("resourcequota");
    const quotas = informers.informerFor(RESOURCE_QUOTAS);
    const enqueueNamespace = (obj: KubeObject) => {
      for (const q of quotas.store.byIndex("namespace", obj.metadata.namespace ?? "")) queue.add(`${q.metadata.namespace}/${q.metadata.name}`);
    };
    quotas.addEventHandler({
      onAdd: (q) => queue.add(`${q.metadata.namespace}/${q.metadata.name}`),
      onUpdate: (_o, q) => queue.add(`${q.metadata.namespace}/${q.metadata.name}`),
    });
    const counted = COUNTED.filter((c) => c.ref !== RESOURCE_QUOTAS).map((c) => ({ ...c, informer: informers.informerFor(c.ref) }));
    for (const c of counted) c.informer.addEventHandler({ onAdd: enqueueNamespace, onUpdate: (_o, n) => enqueueNamespace(n), onDelete: enqueueNamespace });
    signal.addEventListener("abort", () => void queue.shutDownWithDrain(), { once: true });
    const resync = setInterval(() => {
      for (const q of quotas.store.list()) queue.add(`${q.metadata.namespace}/${q.metadata.name}`);
    }, this.args.resyncPeriodSeconds * 1000);
    signal.addEventListener("abort", () => clearInterval(resync), { once: true });
    if (!(await informers.waitForCacheSync(signal))) return;

    const objectsOf = (ref: ResourceRef, namespace: string): KubeObject[] =>
      ref === RESOURCE_QUOTAS ? quotas.store.byIndex("namespace", namespace) : counted.find((c) => c.ref === ref)!.informer.store.byIndex("namespace", namespace);

    const sync = async (key: string) => {
      const [namespace, name] = key.split("/") as [string, string];
      const quota = quotas.store.getBy(namespace, name);
      if (!quota) return;
      const hard: Record<string, string> = (quota.spec as { hard?: Record<string, string> } | undefined)?.hard ?? {};
      const totals: Record<string, number> = {};
      for (const { ref, feeds } of COUNTED) {
        const keys = Object.keys(hard).filter(feeds);
        if (!keys.length) continue;
        for (const k of keys) totals[k] ??= 0;
        for (const obj of objectsOf(ref, namespace)) {
          const usage = usageOf(ref.group, ref.resource, obj);
          for (const k of keys) totals[k]! += usage[k] ?? 0;
        }
      }
      const used = Object.fromEntries(Object.entries(totals).map(([k, v]) => [k, formatQuantity(k, v)]));
      const status = { hard, used };
      if (isDeepStrictEqual(quota.status, status)) return;
      try {
        await client.resource(RESOURCE_QUOTAS, namespace).updateStatus({ ...quota, status });
      } catch (err) {
        // A stale read or a quota just deleted: the informer's next event brings it back to the queue.
        if (isConflict(err) || isNotFound(err)) return;
        throw err;
      }
    };
    await runWorkers(queue, this.args.concurrentSyncs, sync, {
      onError: (key, err) => logger.warn({ quota: key, err: (err as Error).message }, "resourcequota sync failed; retrying"),
    });
  }
}
