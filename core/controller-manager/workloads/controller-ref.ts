import type { Selector } from "../../api/labels.js";
import { isNotFound, isInvalid, type KubeObject, type OwnerReference, type ResourceClient } from "../../client/index.js";

export function controllerOf(obj: KubeObject): OwnerReference | undefined {
  return obj.metadata.ownerReferences?.find((r) => r.controller);
}

/** The reference a controller puts on what it makes or adopts. */
export function controllerRef(owner: KubeObject, apiVersion: string, kind: string): OwnerReference {
  return { apiVersion, kind, name: owner.metadata.name!, uid: owner.metadata.uid!, controller: true, blockOwnerDeletion: true };
}

export interface ClaimOptions<T extends KubeObject> {
  owner: KubeObject;
  ref: OwnerReference;
  selector: Selector;
  /** Where adoption and release patches go: the owned kind's client in the owner's namespace. */
  client: ResourceClient<T>;
  /**
   * Asked once, before the first adoption: upstream re-reads the owner from the API so that an
   * owner deleted since the cache saw it does not adopt anything.
   */
  canAdopt: () => Promise<boolean>;
}

/**
 * Upstream's ControllerRefManager: of `candidates`, answers those `owner` controls after adopting
 * orphans its selector matches and releasing its own that it no longer matches. Objects another
 * controller owns, and objects being deleted, are left alone. Writes are JSON patches with a
 * resourceVersion test, so a concurrent change makes them fail rather than clobber it.
 */
export async function claimObjects<T extends KubeObject>(candidates: T[], opts: ClaimOptions<T>): Promise<T[]> {
  const claimed: T[] = [];
  const errors: unknown[] = [];
  let adoptable: Promise<boolean> | undefined;
  const { owner, ref, selector, client } = opts;
  for (const obj of candidates) {
    const current = controllerOf(obj);
    const matches = selector.matches(obj.metadata.labels ?? {});
    if (current) {
      if (current.uid !== ref.uid) continue;
      if (matches) {
        claimed.push(obj);
        continue;
      }
      if (owner.metadata.deletionTimestamp) continue;
      await ignoreGone(release(client, obj, ref.uid)).catch((err) => errors.push(err));
      continue;
    }
    if (!matches || owner.metadata.deletionTimestamp || obj.metadata.deletionTimestamp) continue;
    adoptable ??= opts.canAdopt();
    if (!(await adoptable)) continue;
    const adopted = await ignoreGone(adopt(client, obj, ref)).catch((err) => {
      errors.push(err);
      return undefined;
    });
    if (adopted) claimed.push(adopted);
  }
  if (errors.length) throw errors[0];
  return claimed;
}

function adopt<T extends KubeObject>(client: ResourceClient<T>, obj: T, ref: OwnerReference): Promise<T> {
  const refs = obj.metadata.ownerReferences;
  const ops = [
    { op: "test", path: "/metadata/uid", value: obj.metadata.uid },
    { op: "test", path: "/metadata/resourceVersion", value: obj.metadata.resourceVersion },
    refs ? { op: "add", path: "/metadata/ownerReferences/-", value: ref } : { op: "add", path: "/metadata/ownerReferences", value: [ref] },
  ];
  return client.inNamespace(obj.metadata.namespace).patch(obj.metadata.name!, "json", ops);
}

function release<T extends KubeObject>(client: ResourceClient<T>, obj: T, uid: string): Promise<T> {
  const ops = [
    { op: "test", path: "/metadata/uid", value: obj.metadata.uid },
    { op: "test", path: "/metadata/resourceVersion", value: obj.metadata.resourceVersion },
    { op: "replace", path: "/metadata/ownerReferences", value: (obj.metadata.ownerReferences ?? []).filter((r) => r.uid !== uid) },
  ];
  return client.inNamespace(obj.metadata.namespace).patch(obj.metadata.name!, "json", ops);
}

/** Gone (404) or changed meanwhile (a failed test, 422): the next sync sees the object as it now is. */
async function ignoreGone<T>(p: Promise<T>): Promise<T | undefined> {
  try {
    return await p;
  } catch (err) {
    if (isNotFound(err) || isInvalid(err)) return undefined;
    throw err;
  }
}
