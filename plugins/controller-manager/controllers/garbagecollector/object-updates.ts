import { isConflict, isNotFound, type KubeObject, type OwnerReference, type ResourceClient } from "../../../../core/client/index.js";

const TRIES = 5;

/**
 * Reads the object, lets `change` edit it (answering false for "nothing to do"), and writes it back
 * under its resourceVersion, reading again on a conflict. Answers false when the object is gone or
 * no longer the one with `uid`.
 */
export async function updateObject(rc: ResourceClient, name: string, uid: string, change: (obj: KubeObject) => boolean): Promise<boolean> {
  for (let i = 0; i < TRIES; i++) {
    let obj: KubeObject;
    try {
      obj = await rc.get(name);
    } catch (err) {
      if (isNotFound(err)) return false;
      throw err;
    }
    if (obj.metadata.uid !== uid) return false;
    if (!change(obj)) return true;
    try {
      await rc.update(obj);
      return true;
    } catch (err) {
      if (isNotFound(err)) return false;
      if (!isConflict(err)) throw err;
    }
  }
  throw new Error(`${rc.ref.resource} ${name}: still conflicting after ${TRIES} tries`);
}

export function removeFinalizer(obj: KubeObject, finalizer: string): boolean {
  const list = obj.metadata.finalizers ?? [];
  if (!list.includes(finalizer)) return false;
  obj.metadata.finalizers = list.filter((f) => f !== finalizer);
  return true;
}

/** An empty list leaves the field out, as upstream's objects (Go's omitempty) have it. */
export function setOwnerReferences(obj: KubeObject, refs: OwnerReference[]): void {
  if (refs.length) obj.metadata.ownerReferences = refs;
  else delete obj.metadata.ownerReferences;
}
