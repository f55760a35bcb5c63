import { withPodPriority } from "./pod-priority.js";
import type { Storage } from "../storage.js";
import type { ServedResource } from "../registry/served-resource.js";
import type { Strategy } from "../registry/strategy.js";
import type { StrategyLookup } from "../registry/stores.js";
import { nodePortAllocator, serviceIPAllocator } from "./allocator.js";
import { configMapStrategy, secretStrategy } from "./config.js";
import { hpaStrategy } from "./autoscaling.js";
import { csrStrategy } from "./certificates.js";
import { crdStrategy, customResourceStrategy } from "./crds.js";
import { coreEventStrategy, eventsV1Strategy } from "./events.js";
import { namespaceStrategy } from "./namespaces.js";
import { podStrategy } from "./pods.js";
import { serviceStrategy } from "./services.js";
import { cronJobStrategy, daemonSetStrategy, deploymentStrategy, jobStrategy, replicaSetStrategy, replicationControllerStrategy, statefulSetStrategy } from "./workloads.js";

/** Kinds whose names are path segments rather than DNS subdomains (upstream's RBAC rule). */
const PATH_NAMED = new Set(["rbac.authorization.k8s.io/roles", "rbac.authorization.k8s.io/clusterroles", "rbac.authorization.k8s.io/rolebindings", "rbac.authorization.k8s.io/clusterrolebindings"]);
const LABEL_NAMED = new Set(["/namespaces", "/services", "/replicationcontrollers", "apps/deployments", "apps/statefulsets", "apps/daemonsets", "apps/replicasets"]);

/** Kinds upstream keeps without `metadata.generation`: nothing observes a spec of theirs. */
const NO_GENERATION = new Set([
  "/configmaps",
  "/secrets",
  "/namespaces",
  "/nodes",
  "/services",
  "/serviceaccounts",
  "/endpoints",
  "/events",
  "/limitranges",
  "/resourcequotas",
  "/persistentvolumes",
  "/persistentvolumeclaims",
  "/podtemplates",
  "apps/controllerrevisions",
  "events.k8s.io/events",
  "coordination.k8s.io/leases",
  "rbac.authorization.k8s.io/roles",
  "rbac.authorization.k8s.io/clusterroles",
  "rbac.authorization.k8s.io/rolebindings",
  "rbac.authorization.k8s.io/clusterrolebindings",
  "scheduling.k8s.io/priorityclasses",
  "storage.k8s.io/storageclasses",
  "storage.k8s.io/csidrivers",
  "storage.k8s.io/csinodes",
  "node.k8s.io/runtimeclasses",
  "certificates.k8s.io/certificatesigningrequests",
]);

export interface KindOptions {
  storage: Storage;
  serviceClusterIPRange: string;
  serviceNodePortRange: string;
}

/** The strategy of each built-in kind; anything unlisted gets the generic rules. */
export function strategies(opts: KindOptions): StrategyLookup & { serviceIPs: ReturnType<typeof serviceIPAllocator> } {
  const serviceIPs = serviceIPAllocator(opts.storage, opts.serviceClusterIPRange);
  const nodePorts = nodePortAllocator(opts.storage, opts.serviceNodePortRange);
  const byKey: Record<string, Strategy> = {
    "/namespaces": namespaceStrategy,
    "/pods": withPodPriority(podStrategy, opts.storage),
    "/services": serviceStrategy(serviceIPs, nodePorts),
    "/configmaps": configMapStrategy,
    "/secrets": secretStrategy,
    "/replicationcontrollers": replicationControllerStrategy,
    "apps/deployments": deploymentStrategy,
    "apps/replicasets": replicaSetStrategy,
    "apps/statefulsets": statefulSetStrategy,
    "apps/daemonsets": daemonSetStrategy,
    "batch/jobs": jobStrategy,
    "batch/cronjobs": cronJobStrategy,
    "apiextensions.k8s.io/customresourcedefinitions": crdStrategy,
    "/events": coreEventStrategy,
    "events.k8s.io/events": eventsV1Strategy,
    "certificates.k8s.io/certificatesigningrequests": csrStrategy,
  };
  const lookup = (res: ServedResource): Strategy => {
    const key = `${res.group}/${res.plural}`;
    const base = res.crd ? customResourceStrategy(res) : key === "autoscaling/horizontalpodautoscalers" ? hpaStrategy(res.version) : (byKey[key] ?? {});
    const nameRule = PATH_NAMED.has(key) ? "path" : LABEL_NAMED.has(key) ? "label" : (base.nameRule ?? "subdomain");
    return { ...base, nameRule, ...(NO_GENERATION.has(key) ? { tracksGeneration: false } : {}) };
  };
  return Object.assign(lookup, { serviceIPs });
}
