import { isAlreadyExists } from "../../../../core/client/index.js";
import { controllerOf, controllerRef } from "../../../../core/controller-manager/index.js";
import { POD_TEMPLATE_HASH, REVISION, revisionOf, setNewReplicaSetAnnotations } from "./annotations.js";
import { condition, getCondition, hasProgressDeadline, Reason, setCondition } from "./conditions.js";
import { maxSurge, newReplicaSetReplicas, replicasOf } from "./replica-math.js";
import { writeStatus } from "./status.js";
import { deploymentRef, type SyncEnv } from "./sync-env.js";
import { equalIgnoringHash, templateHash } from "./template-hash.js";
import type { Deployment, ReplicaSet } from "./types.js";

/** The set whose template is the Deployment's (the oldest, should there be several), and the others. */
export function splitSets(d: Deployment, sets: ReplicaSet[]): { newRS: ReplicaSet | undefined; oldRSs: ReplicaSet[] } {
  const sorted = [...sets].sort(
    (a, b) => (Date.parse(a.metadata.creationTimestamp ?? "") || 0) - (Date.parse(b.metadata.creationTimestamp ?? "") || 0) || a.metadata.name!.localeCompare(b.metadata.name!),
  );
  const newRS = sorted.find((rs) => equalIgnoringHash(rs.spec.template, d.spec.template));
  return { newRS, oldRSs: sorted.filter((rs) => rs !== newRS) };
}

/**
 * Upstream's getAllReplicaSetsAndSyncRevision: finds the new set and brings its revision (and
 * the Deployment's) to one past the newest old set; when `create` is true and there is none,
 * creates it at the size the strategy allows now.
 */
export async function newAndOldSets(env: SyncEnv, d: Deployment, sets: ReplicaSet[], create: boolean): Promise<{ newRS: ReplicaSet | undefined; oldRSs: ReplicaSet[] }> {
  const { newRS: existing, oldRSs } = splitSets(d, sets);
  const newRevision = Math.max(0, ...oldRSs.map(revisionOf)) + 1;
  const ns = d.metadata.namespace!;
  const desired = replicasOf(d);
  const max = desired + maxSurge(d);
  if (existing) {
    const copy = structuredClone(existing);
    const annotated = setNewReplicaSetAnnotations(d, copy, newRevision, true, desired, max);
    if (annotated || (copy.spec.minReadySeconds ?? 0) !== (d.spec.minReadySeconds ?? 0)) {
      copy.spec.minReadySeconds = d.spec.minReadySeconds ?? 0;
      return { newRS: await env.replicaSets(ns).update({ ...copy, apiVersion: "apps/v1", kind: "ReplicaSet" }), oldRSs };
    }
    await setDeploymentRevision(env, d, copy.metadata.annotations?.[REVISION] ?? String(newRevision));
    if (hasProgressDeadline(d) && !getCondition(d.status, "Progressing")) {
      const status = structuredClone(d.status ?? {});
      setCondition(status, condition("Progressing", "True", Reason.FoundNewRS, `Found new replica set "${copy.metadata.name}"`, env.clock.now()));
      await writeStatus(env, d, status);
    }
    return { newRS: copy, oldRSs };
  }
  if (!create) return { newRS: undefined, oldRSs };

  const collisionCount = d.status?.collisionCount;
  const template = structuredClone(d.spec.template);
  const hash = templateHash(template, collisionCount);
  template.metadata = { ...(template.metadata ?? {}), labels: { ...(template.metadata?.labels ?? {}), [POD_TEMPLATE_HASH]: hash } };
  const selector = structuredClone(d.spec.selector);
  selector.matchLabels = { ...(selector.matchLabels ?? {}), [POD_TEMPLATE_HASH]: hash };
  const rs: ReplicaSet = {
    apiVersion: "apps/v1",
    kind: "ReplicaSet",
    metadata: { name: `${d.metadata.name}-${hash}`, namespace: ns, labels: { ...template.metadata.labels! }, ownerReferences: [controllerRef(d, "apps/v1", "Deployment")] },
    spec: { replicas: 0, minReadySeconds: d.spec.minReadySeconds ?? 0, selector, template },
  };
  rs.spec.replicas = newReplicaSetReplicas(d, [...oldRSs, rs], rs);
  setNewReplicaSetAnnotations(d, rs, newRevision, false, desired, max);

  let created: ReplicaSet;
  let alreadyExists = false;
  try {
    created = await env.replicaSets(ns).create(rs);
  } catch (err) {
    if (!isAlreadyExists(err)) {
      const status = structuredClone(d.status ?? {});
      const msg = `Failed to create new replica set "${rs.metadata.name}": ${(err as Error).message}`;
      if (hasProgressDeadline(d)) setCondition(status, condition("Progressing", "False", Reason.FailedRSCreate, msg, env.clock.now()));
      env.recorder.event(deploymentRef(d), "Warning", "FailedCreate", "Create", msg);
      await writeStatus(env, d, status).catch(() => undefined);
      throw err;
    }
    // A set of that name exists: ours with this template (a stale cache), or a hash collision.
    const found = env.cachedReplicaSet(ns, rs.metadata.name!) ?? (await env.replicaSets(ns).get(rs.metadata.name!));
    if (controllerOf(found)?.uid === d.metadata.uid && equalIgnoringHash(found.spec.template, d.spec.template)) {
      created = found;
      alreadyExists = true;
    } else {
      const status = structuredClone(d.status ?? {});
      status.collisionCount = (collisionCount ?? 0) + 1;
      await writeStatus(env, d, status);
      throw new Error(`hash collision for ReplicaSet ${rs.metadata.name}; collisionCount is now ${status.collisionCount}`);
    }
  }
  if (!alreadyExists && (created.spec.replicas ?? 0) > 0) {
    env.recorder.event(deploymentRef(d), "Normal", "ScalingReplicaSet", "Scale", `Scaled up replica set ${created.metadata.name} from 0 to ${created.spec.replicas}`);
  }
  await setDeploymentRevision(env, d, String(newRevision));
  if (!alreadyExists && hasProgressDeadline(d)) {
    const status = structuredClone(d.status ?? {});
    setCondition(status, condition("Progressing", "True", Reason.NewRSCreated, `Created new replica set "${created.metadata.name}"`, env.clock.now()));
    await writeStatus(env, d, status);
  }
  return { newRS: created, oldRSs };
}

/**
 * The Deployment carries the revision of its new set, which kubectl rollout history prints.
 * Upstream writes it with the status (its status strategy keeps annotations); here status writes
 * change status alone, so it is a metadata patch, which leaves the generation as it is.
 */
async function setDeploymentRevision(env: SyncEnv, d: Deployment, revision: string): Promise<void> {
  if (d.metadata.annotations?.[REVISION] === revision) return;
  const patched = await env.deployments(d.metadata.namespace!).patch(d.metadata.name!, "merge", { metadata: { annotations: { [REVISION]: revision } } });
  d.metadata = { ...d.metadata, annotations: patched.metadata.annotations ?? {}, resourceVersion: patched.metadata.resourceVersion };
}
