import type { KubeObj } from "./registry/strategy.js";
import type { Stores } from "./registry/stores.js";

/**
 * The cluster's objects as chain plugins reach them: reads (admission reads namespaces,
 * LimitRanges, webhook configurations …) answered from the watch cache as upstream's
 * admission plugins answer from informers, and status writes (ResourceQuota admission
 * charges a quota as it admits). Objects are copies the caller may change.
 */
export interface ClusterAccess {
  get(group: string, version: string, resource: string, namespace: string | undefined, name: string): Promise<KubeObj | undefined>;
  list(group: string, version: string, resource: string, namespace?: string): Promise<KubeObj[]>;
  /**
   * Read-modify-write of an object's status as the API server itself, without admission (retried on races);
   * `mutate` returns the object to write, or undefined to leave it. Answers the written object.
   */
  updateStatus(group: string, version: string, resource: string, namespace: string | undefined, name: string, mutate: (current: KubeObj) => KubeObj | undefined): Promise<KubeObj | undefined>;
  /** Whether a served resource is namespaced; undefined for one not served. */
  namespaced(group: string, version: string, resource: string): boolean | undefined;
}

/** A reader bound to the stores once the server has built them; plugins are created before that. */
export class LateClusterAccess implements ClusterAccess {
  private stores: Stores | undefined;

  bind(stores: Stores): void {
    this.stores = stores;
  }

  async get(group: string, version: string, resource: string, namespace: string | undefined, name: string): Promise<KubeObj | undefined> {
    const store = await this.bound().for(group, version, resource);
    const cached = store.cache.get(store.key(namespace, name));
    if (cached) return store.view(cached);
    return store.tryGet(namespace, name);
  }

  async list(group: string, version: string, resource: string, namespace?: string): Promise<KubeObj[]> {
    const store = await this.bound().for(group, version, resource);
    const { items } = await store.list(namespace, { resourceVersion: "0" });
    return items.map((o) => structuredClone(o));
  }

  async updateStatus(group: string, version: string, resource: string, namespace: string | undefined, name: string, mutate: (current: KubeObj) => KubeObj | undefined): Promise<KubeObj | undefined> {
    const store = await this.bound().for(group, version, resource);
    let skipped = false;
    const { obj } = await store.guaranteedUpdate(namespace, name, { user: API_SERVER_USER, dryRun: false, subresource: "status", bypassAdmission: true }, (current) => {
      const next = mutate(current);
      skipped = next === undefined;
      return next ?? current;
    });
    return skipped ? undefined : obj;
  }

  namespaced(group: string, version: string, resource: string): boolean | undefined {
    return this.bound().catalog.get(group, version, resource)?.namespaced;
  }

  private bound(): Stores {
    if (!this.stores) throw new Error("the API server's stores are not built yet");
    return this.stores;
  }
}

/** Who the API server's own writes are made as (upstream's loopback client identity). */
const API_SERVER_USER = { name: "system:apiserver", groups: ["system:masters"] };

const readers = new WeakMap<object, LateClusterAccess>();

/** One reader per API server context, shared by its plugins' handles and the server that binds it. */
export function clusterAccessFor(ctx: object): LateClusterAccess {
  let r = readers.get(ctx);
  if (!r) readers.set(ctx, (r = new LateClusterAccess()));
  return r;
}
