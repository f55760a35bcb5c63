import { controllerRefTo, type PodLike } from "../../../../core/controller-manager/index.js";
import type { KubeObject } from "../../../../core/client/index.js";
import { POD_INDEX_LABEL, POD_NAME_LABEL, REVISION_LABEL, type PodTemplate, type StatefulSet } from "./types.js";

/** The claim a volumeClaimTemplate gives ordinal `ord`: `<template>-<set>-<ordinal>`. */
export function claimName(set: StatefulSet, tpl: KubeObject, ord: number): string {
  return `${tpl.metadata.name}-${set.metadata.name}-${ord}`;
}

/**
 * Pod `<set>-<ordinal>` from `template` (the template of revision `revision`): stable name,
 * hostname and subdomain (the governing Service), the identity labels, and a volume per claim
 * template pointing at that ordinal's claim.
 */
export function podFor(set: StatefulSet, template: PodTemplate, revision: string, ord: number): PodLike {
  const name = `${set.metadata.name}-${ord}`;
  const spec = structuredClone(template.spec);
  const claims = set.spec.volumeClaimTemplates ?? [];
  const volumes = (spec.volumes ?? []).filter((v) => !claims.some((c) => c.metadata.name === v.name));
  for (const c of claims) volumes.push({ name: c.metadata.name!, persistentVolumeClaim: { claimName: claimName(set, c, ord) } });
  if (volumes.length) spec.volumes = volumes;
  spec.hostname = name;
  if (set.spec.serviceName) spec.subdomain = set.spec.serviceName;
  return {
    apiVersion: "v1",
    kind: "Pod",
    metadata: {
      name,
      namespace: set.metadata.namespace!,
      labels: { ...template.metadata?.labels, [REVISION_LABEL]: revision, [POD_NAME_LABEL]: name, [POD_INDEX_LABEL]: String(ord) },
      ...(template.metadata?.annotations ? { annotations: { ...template.metadata.annotations } } : {}),
      ownerReferences: [controllerRefTo(set, "apps/v1", "StatefulSet")],
    },
    spec,
  };
}

/** The claim for ordinal `ord`, owned by the set when `whenDeleted: Delete`. */
export function claimFor(set: StatefulSet, tpl: KubeObject, ord: number): KubeObject {
  const owned = set.spec.persistentVolumeClaimRetentionPolicy?.whenDeleted === "Delete";
  return {
    apiVersion: "v1",
    kind: "PersistentVolumeClaim",
    metadata: {
      name: claimName(set, tpl, ord),
      namespace: set.metadata.namespace!,
      labels: { ...tpl.metadata.labels, ...set.spec.selector?.matchLabels },
      ...(tpl.metadata.annotations ? { annotations: { ...tpl.metadata.annotations } } : {}),
      ...(owned ? { ownerReferences: [controllerRefTo(set, "apps/v1", "StatefulSet")] } : {}),
    },
    spec: structuredClone((tpl as { spec?: unknown }).spec ?? {}),
  };
}
