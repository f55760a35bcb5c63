import { forbiddenMessage } from "../../api/status.js";
import type { Storage } from "../storage.js";
import type { KubeObj, Strategy } from "../registry/strategy.js";

const PREFIX = "/registry/scheduling.k8s.io/priorityclasses/";

/** The two classes upstream's Priority admission knows without a stored object. */
const SYSTEM_CLASSES: Record<string, number> = { "system-node-critical": 2_000_001_000, "system-cluster-critical": 2_000_000_000 };

interface PriorityClass {
  metadata: { name: string };
  value: number;
  globalDefault?: boolean;
  preemptionPolicy?: string;
}

/**
 * Upstream's Priority admission on pod create: `spec.priority` (and the class's preemption
 * policy) from the PriorityClass `priorityClassName` names, or from the globalDefault class
 * when none is named; a name that matches no class is refused.
 */
export function withPodPriority(strategy: Strategy, storage: Storage): Strategy {
  return {
    ...strategy,
    async prepareForCreate(pod, ctx) {
      await strategy.prepareForCreate?.(pod, ctx);
      await resolvePriority(pod, storage);
    },
  };
}

async function resolvePriority(pod: KubeObj, storage: Storage): Promise<void> {
  const spec = pod.spec;
  const name: string | undefined = spec.priorityClassName || undefined;
  let cls: PriorityClass | undefined;
  if (name) {
    const kv = await storage.get(PREFIX + name);
    if (kv) cls = JSON.parse(kv.value) as PriorityClass;
    else if (SYSTEM_CLASSES[name] !== undefined) cls = { metadata: { name }, value: SYSTEM_CLASSES[name]! };
    else throw forbiddenMessage({ group: "", resource: "pods" }, pod.metadata.name ?? pod.metadata.generateName ?? "", `no PriorityClass with name ${name} was found`);
  } else {
    const all = await storage.list(PREFIX);
    cls = all.kvs.map((kv) => JSON.parse(kv.value) as PriorityClass).find((c) => c.globalDefault);
    if (cls) spec.priorityClassName = cls.metadata.name;
  }
  if (!cls) return;
  spec.priority = cls.value;
  spec.preemptionPolicy = cls.preemptionPolicy ?? "PreemptLowerPriority";
}
