/**
 * A parsed stored object. The cache always gives it a `metadata` object (to carry
 * resourceVersion), so it is assignable to the registry's KubeObj.
 */
export type ObjectWithMeta = Record<string, any> & { metadata: Record<string, any> };

/** An object as the cache holds it: parsed once, with its resourceVersion set from the storage revision. */
export interface CachedObject {
  key: string;
  /** Parsed JSON with `metadata.resourceVersion = String(revision)`. Shared by every reader: never mutate it. */
  object: ObjectWithMeta;
  revision: number;
}

/**
 * One storage change, parsed once and shared by every client watch. `prev` is the
 * state before the change, so each client can tell whether the object entered or
 * left its selector.
 */
export interface CacheEvent {
  type: "put" | "delete";
  key: string;
  /** The new state; for a delete, the last state with the deletion's revision. */
  object: ObjectWithMeta;
  prev?: ObjectWithMeta;
  revision: number;
}
