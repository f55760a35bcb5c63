import { forbiddenMessage } from "../../../../core/api/status.js";
import type { AdmissionPlugin, AdmissionRequest } from "../../../../core/apiserver/chains.js";
import type { ApiServerHandle } from "../../../../core/apiserver/handle.js";

interface PriorityClass {
  metadata: { name: string; creationTimestamp?: string };
  value: number;
  globalDefault?: boolean;
  preemptionPolicy?: string;
}

/** The two classes every cluster has, with upstream's values; they answer even before they are stored. */
const SYSTEM_CLASSES: Record<string, PriorityClass> = {
  "system-node-critical": { metadata: { name: "system-node-critical" }, value: 2000001000 },
  "system-cluster-critical": { metadata: { name: "system-cluster-critical" }, value: 2000000000 },
};

/** Upstream's Priority admission: priorityClassName (or the global default class) becomes spec.priority and preemptionPolicy. */
export class Priority implements AdmissionPlugin {
  constructor(private readonly handle: ApiServerHandle) {}

  async admit(req: AdmissionRequest): Promise<void> {
    if (req.operation !== "CREATE" || req.group !== "" || req.resource !== "pods" || req.subresource || !req.object?.spec) return;
    const spec = req.object.spec;
    let cls: PriorityClass | undefined;
    if (spec.priorityClassName) {
      cls = SYSTEM_CLASSES[spec.priorityClassName] ?? ((await this.handle.cluster.get("scheduling.k8s.io", "v1", "priorityclasses", undefined, spec.priorityClassName)) as PriorityClass | undefined);
      if (!cls) throw forbiddenMessage({ group: "", resource: "pods" }, req.name ?? "", `no PriorityClass with name ${spec.priorityClassName} was found`);
    } else {
      cls = await this.globalDefault();
      if (cls) spec.priorityClassName = cls.metadata.name;
    }
    const value = cls?.value ?? 0;
    // The registry defaults priority to 0 before admission, so only a non-zero value shows the client set one.
    if (spec.priority !== undefined && spec.priority !== 0 && spec.priority !== value) {
      throw forbiddenMessage({ group: "", resource: "pods" }, req.name ?? "", `the integer value of priority (${spec.priority}) must not be provided in pod spec; priority admission controller computed ${value} from the given PriorityClass name`);
    }
    spec.priority = value;
    spec.preemptionPolicy = cls?.preemptionPolicy ?? spec.preemptionPolicy ?? "PreemptLowerPriority";
  }

  /** The global default class; with several, the one with the lowest value, as upstream picks. */
  private async globalDefault(): Promise<PriorityClass | undefined> {
    const all = (await this.handle.cluster.list("scheduling.k8s.io", "v1", "priorityclasses")) as unknown as PriorityClass[];
    return all.filter((c) => c.globalDefault).sort((a, b) => a.value - b.value)[0];
  }
}
