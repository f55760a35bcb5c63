import type { ObjectEventType } from "../../../../core/apiserver/cluster-objects.js";

type Obj = Record<string, any>;

/** What one pod lets its node reach: keys `kind/namespace/name`. */
export function podReferences(pod: Obj): string[] {
  const ns: string = pod.metadata.namespace;
  const spec = pod.spec ?? {};
  const refs = new Set<string>([`pods/${ns}/${pod.metadata.name}`, `serviceaccounts/${ns}/${spec.serviceAccountName || "default"}`]);
  const add = (kind: string, name: unknown) => {
    if (typeof name === "string" && name) refs.add(`${kind}/${ns}/${name}`);
  };
  for (const s of spec.imagePullSecrets ?? []) add("secrets", s.name);
  for (const v of spec.volumes ?? []) {
    add("secrets", v.secret?.secretName);
    add("configmaps", v.configMap?.name);
    add("persistentvolumeclaims", v.persistentVolumeClaim?.claimName);
    if (v.ephemeral) add("persistentvolumeclaims", `${pod.metadata.name}-${v.name}`);
    for (const src of v.projected?.sources ?? []) {
      add("secrets", src.secret?.name);
      add("configmaps", src.configMap?.name);
    }
    // Volume plugins that name a secret for their credentials.
    for (const source of Object.values(v) as Obj[]) if (source && typeof source === "object") add("secrets", source.secretRef?.name);
  }
  for (const c of [...(spec.initContainers ?? []), ...(spec.containers ?? []), ...(spec.ephemeralContainers ?? [])]) {
    for (const e of c.env ?? []) {
      add("secrets", e.valueFrom?.secretKeyRef?.name);
      add("configmaps", e.valueFrom?.configMapKeyRef?.name);
    }
    for (const e of c.envFrom ?? []) {
      add("secrets", e.secretRef?.name);
      add("configmaps", e.configMapRef?.name);
    }
  }
  return [...refs];
}

/**
 * Upstream's node authorizer graph, flattened: for each node, what the pods bound to it
 * reference, counted so two pods sharing a secret keep it reachable until both are gone.
 */
export class NodeGraph {
  private readonly byNode = new Map<string, Map<string, number>>();
  private readonly pods = new Map<string, { node: string; refs: string[] }>();

  onPod(type: ObjectEventType, pod: Obj): void {
    const key = `${pod.metadata.namespace}/${pod.metadata.name}`;
    const old = this.pods.get(key);
    if (old) {
      const counts = this.byNode.get(old.node)!;
      for (const r of old.refs) {
        const n = (counts.get(r) ?? 1) - 1;
        if (n) counts.set(r, n);
        else counts.delete(r);
      }
      this.pods.delete(key);
    }
    const node: string | undefined = pod.spec?.nodeName;
    if (type === "DELETED" || !node) return;
    const refs = podReferences(pod);
    let counts = this.byNode.get(node);
    if (!counts) this.byNode.set(node, (counts = new Map()));
    for (const r of refs) counts.set(r, (counts.get(r) ?? 0) + 1);
    this.pods.set(key, { node, refs });
  }

  reaches(node: string, resource: string, namespace: string, name: string): boolean {
    return this.byNode.get(node)?.has(`${resource}/${namespace}/${name}`) ?? false;
  }
}
