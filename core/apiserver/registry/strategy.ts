import type { UserInfo } from "../chains.js";
import type { FieldCause } from "../../api/status.js";

export type KubeObj = Record<string, any> & { metadata: Record<string, any> };

/** What a kind's strategy may consult while defaulting and validating. */
export interface StrategyContext {
  user: UserInfo;
  namespace?: string;
  dryRun: boolean;
  /** The subresource being written (`status`, `scale`, …), if any. */
  subresource?: string;
}

/**
 * Per-kind behaviour of the generic store, as upstream's rest strategies: defaulting
 * on create, field rules on create and update, what an update may change, and
 * hooks around storage (allocations). Everything is optional.
 */
export interface Strategy {
  /** Name rule: DNS-1123 subdomain (the default), DNS-1123 label, or RBAC-style path segment. */
  nameRule?: "subdomain" | "label" | "path";
  prepareForCreate?(obj: KubeObj, ctx: StrategyContext): void | Promise<void>;
  validate?(obj: KubeObj, ctx: StrategyContext): FieldCause[] | Promise<FieldCause[]>;
  prepareForUpdate?(obj: KubeObj, old: KubeObj, ctx: StrategyContext): void | Promise<void>;
  validateUpdate?(obj: KubeObj, old: KubeObj, ctx: StrategyContext): FieldCause[] | Promise<FieldCause[]>;
  /** After a create commits (dry runs excluded). */
  afterCreate?(obj: KubeObj): void | Promise<void>;
  /** Before a create is written: reserve what the object claims (cluster IPs, node ports). Returns an undo. */
  reserve?(obj: KubeObj, old: KubeObj | undefined, ctx: StrategyContext): Promise<(() => Promise<void>) | void>;
  /** After an object is removed from storage: release what it held. */
  release?(obj: KubeObj, newObj?: KubeObj): Promise<void>;
  /**
   * Deletion that is not immediate: graceful pods, terminating namespaces. Returns the
   * object to write instead of deleting, or undefined to delete now.
   */
  gracefulDelete?(obj: KubeObj, opts: { gracePeriodSeconds?: number }): KubeObj | undefined;
  /** Whether a deleting object may now leave storage; default: no finalizers left. */
  readyToDelete?(obj: KubeObj): boolean;
  /**
   * Whether `metadata.generation` counts spec changes (the default). Upstream leaves it
   * unset on kinds no controller observes a spec of: config maps, secrets, namespaces, …
   */
  tracksGeneration?: boolean;
  /** PUT of a missing object creates it (upstream's AllowCreateOnUpdate). */
  allowCreateOnUpdate?: boolean;
}
