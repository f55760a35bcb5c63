import { Resources, parseApiVersion, type KubeClient, type KubeObject, type OwnerReference, type ResourceRef } from "../../../../core/client/index.js";
import { discoverPreferredResources } from "../../../../core/client/index.js";

const KNOWN: Record<string, ResourceRef> = {
  "apps/ReplicaSet": Resources.replicaSets,
  "apps/Deployment": Resources.deployments,
  "apps/StatefulSet": Resources.statefulSets,
  "/ReplicationController": Resources.replicationControllers,
};

/**
 * The replicas a pod's controller wants, as upstream's finders work it out: a ReplicaSet run by
 * a Deployment counts as the Deployment; any other kind is asked through its `/scale`
 * subresource, found by discovery. Answers the controller's uid and scale, or undefined when the
 * pod has no controller.
 */
export class ScaleFinder {
  private discovered: Promise<Map<string, ResourceRef>> | undefined;

  constructor(private readonly client: KubeClient) {}

  async scaleOf(pod: KubeObject): Promise<{ uid: string; replicas: number } | undefined> {
    const ref = pod.metadata.ownerReferences?.find((o) => o.controller);
    if (!ref) return undefined;
    const ns = pod.metadata.namespace!;
    if (ref.kind === "ReplicaSet" && parseApiVersion(ref.apiVersion).group === "apps") {
      const rs = await this.client.resource(Resources.replicaSets, ns).get(ref.name);
      const owner = rs.metadata.ownerReferences?.find((o) => o.controller && o.kind === "Deployment");
      if (owner) return this.replicasOf(owner, ns);
      return { uid: rs.metadata.uid!, replicas: (rs.spec as { replicas?: number }).replicas ?? 1 };
    }
    return this.replicasOf(ref, ns);
  }

  private async replicasOf(ref: OwnerReference, ns: string): Promise<{ uid: string; replicas: number }> {
    const { group } = parseApiVersion(ref.apiVersion);
    const known = KNOWN[`${group}/${ref.kind}`];
    if (known) {
      const obj = await this.client.resource(known, ns).get(ref.name);
      if (obj.metadata.uid !== ref.uid) throw new Error(`${ref.kind} ${ns}/${ref.name} is not the pods' controller (uid changed)`);
      return { uid: ref.uid, replicas: (obj.spec as { replicas?: number }).replicas ?? 1 };
    }
    this.discovered ??= discoverPreferredResources(this.client).then((rs) => new Map(rs.map((r) => [`${r.group}/${r.kind}`, r as ResourceRef])));
    const res = (await this.discovered).get(`${group}/${ref.kind}`);
    if (!res) throw new Error(`no resource serves ${ref.kind} in group "${group}"`);
    const scale = await this.client.resource(res, ns).get(ref.name, { subresource: "scale" });
    return { uid: ref.uid, replicas: (scale.spec as { replicas?: number }).replicas ?? 0 };
  }
}
