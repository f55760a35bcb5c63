import { isConflict, isNotFound, runWorkers, type KubeObject, type ResourceRef } from "../../../../core/client/index.js";
import type { Controller, ControllerManagerHandle } from "../../../../core/controller-manager/index.js";
import { selectorFromLabelSelector, type LabelSelector } from "../../../../core/api/labels.js";

const CLUSTER_ROLES: ResourceRef = { group: "rbac.authorization.k8s.io", version: "v1", resource: "clusterroles", namespaced: false, kind: "ClusterRole" };

type Rule = Record<string, unknown>;
type ClusterRole = KubeObject & { rules?: Rule[]; aggregationRule?: { clusterRoleSelectors?: LabelSelector[] } };

/**
 * Upstream's clusterrole-aggregation controller: a ClusterRole with an `aggregationRule`
 * holds the rules of every other ClusterRole its selectors match, in name order, each rule
 * once. Any ClusterRole change re-syncs every aggregated role.
 */
export class ClusterRoleAggregationController implements Controller {
  readonly aliases = ["clusterrole-aggregation-controller"];

  constructor(private readonly handle: ControllerManagerHandle) {}

  async run(signal: AbortSignal): Promise<void> {
    const { informers, logger, client } = this.handle;
    const queue = this.handle.newQueue<string>("ClusterRoleAggregator");
    const roles = informers.informerFor(CLUSTER_ROLES);
    const enqueueAggregated = () => {
      for (const r of roles.store.list() as ClusterRole[]) if (r.aggregationRule) queue.add(r.metadata.name!);
    };
    roles.addEventHandler({ onAdd: enqueueAggregated, onUpdate: enqueueAggregated, onDelete: enqueueAggregated });
    signal.addEventListener("abort", () => void queue.shutDownWithDrain(), { once: true });
    if (!(await informers.waitForCacheSync(signal))) return;

    const sync = async (name: string) => {
      const role = roles.store.getBy(undefined, name) as ClusterRole | undefined;
      if (!role?.aggregationRule) return;
      const rules = aggregate(role, roles.store.list() as ClusterRole[]);
      if (JSON.stringify(rules) === JSON.stringify(role.rules ?? [])) return;
      try {
        await client.resource(CLUSTER_ROLES).update({ ...structuredClone(role), rules } as KubeObject);
      } catch (err) {
        // A newer version is on its way through the informer, which queues the role again.
        if (isConflict(err) || isNotFound(err)) return;
        throw err;
      }
    };
    await runWorkers(queue, 1, sync, {
      onError: (key, err) => logger.warn({ clusterRole: key, err: (err as Error).message }, "aggregation failed; retrying"),
    });
  }
}

/** The rules an aggregated role should hold. */
export function aggregate(role: ClusterRole, all: ClusterRole[]): Rule[] {
  const selectors = (role.aggregationRule?.clusterRoleSelectors ?? []).map((s) => selectorFromLabelSelector(s));
  const sources = all
    .filter((r) => r.metadata.name !== role.metadata.name && selectors.some((s) => s.matches((r.metadata.labels ?? {}) as Record<string, string>)))
    .sort((a, b) => a.metadata.name!.localeCompare(b.metadata.name!));
  const out: Rule[] = [];
  const seen = new Set<string>();
  for (const source of sources) {
    for (const rule of source.rules ?? []) {
      const key = JSON.stringify(rule);
      if (seen.has(key)) continue;
      seen.add(key);
      out.push(rule);
    }
  }
  return out;
}
