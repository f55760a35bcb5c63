import { badRequest } from "../../api/status.js";
import type { ServedResource } from "./served-resource.js";
import type { KubeObj } from "./strategy.js";

function labelSelectorString(sel: any): string {
  if (!sel) return "";
  const parts: string[] = Object.entries(sel.matchLabels ?? {}).map(([k, v]) => `${k}=${v}`);
  for (const e of sel.matchExpressions ?? []) {
    if (e.operator === "In") parts.push(`${e.key} in (${e.values.join(",")})`);
    else if (e.operator === "NotIn") parts.push(`${e.key} notin (${e.values.join(",")})`);
    else if (e.operator === "Exists") parts.push(e.key);
    else if (e.operator === "DoesNotExist") parts.push(`!${e.key}`);
  }
  return parts.join(",");
}

function at(obj: any, path: string): any {
  return path.replace(/^\./, "").split(".").reduce((o, k) => (o === undefined || o === null ? undefined : o[k]), obj);
}

/** The autoscaling/v1 Scale a `/scale` read answers with. */
export function scaleOf(res: ServedResource, obj: KubeObj): KubeObj {
  const scale = res.crd?.scale;
  const replicas = scale ? at(obj, scale.specReplicasPath) : obj.spec?.replicas;
  const statusReplicas = scale ? at(obj, scale.statusReplicasPath) : obj.status?.replicas;
  // apps kinds carry a LabelSelector; ReplicationControllers a plain label map.
  const sel = obj.spec?.selector;
  const selector = scale?.labelSelectorPath
    ? at(obj, scale.labelSelectorPath)
    : labelSelectorString(sel && (sel.matchLabels || sel.matchExpressions) ? sel : sel ? { matchLabels: sel } : undefined);
  const { name, namespace, uid, resourceVersion, creationTimestamp } = obj.metadata;
  return {
    kind: "Scale",
    apiVersion: "autoscaling/v1",
    metadata: { name, namespace, uid, resourceVersion, creationTimestamp },
    spec: { replicas: replicas ?? 0 },
    status: { replicas: statusReplicas ?? 0, ...(selector ? { selector } : {}) },
  };
}

/** Writes a Scale's spec.replicas back into the object. */
export function withScale(res: ServedResource, obj: KubeObj, scale: KubeObj): KubeObj {
  const replicas = scale?.spec?.replicas;
  if (replicas !== undefined && (!Number.isInteger(replicas) || replicas < 0)) throw badRequest(`spec.replicas: Invalid value: ${JSON.stringify(replicas)}: must be greater than or equal to 0`);
  const next = structuredClone(obj);
  const path = res.crd?.scale?.specReplicasPath ?? ".spec.replicas";
  const keys = path.replace(/^\./, "").split(".");
  let node: any = next;
  for (const k of keys.slice(0, -1)) node = node[k] ??= {};
  node[keys[keys.length - 1]!] = replicas ?? 0;
  return next;
}
