import type { KubeObj } from "./registry/strategy.js";
import type { Stores } from "./registry/stores.js";

/**
 * Read access to the cluster's objects for chain plugins (admission reads namespaces,
 * LimitRanges, webhook configurations …), answered from the watch cache as upstream's
 * admission plugins answer from informers. Objects are copies the caller may change.
 */
export interface ClusterReader {
  get(group: string, version: string, resource: string, namespace: string | undefined, name: string): Promise<KubeObj | undefined>;
  list(group: string, version: string, resource: string, namespace?: string): Promise<KubeObj[]>;
  /** Whether a served resource is namespaced; undefined for one not served. */
  namespaced(group: string, version: string, resource: string): boolean | undefined;
}

/** A reader bound to the stores once the server has built them; plugins are created before that. */
export class LateClusterReader implements ClusterReader {
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

  namespaced(group: string, version: string, resource: string): boolean | undefined {
    return this.bound().catalog.get(group, version, resource)?.namespaced;
  }

  private bound(): Stores {
    if (!this.stores) throw new Error("the API server's stores are not built yet");
    return this.stores;
  }
}

const readers = new WeakMap<object, LateClusterReader>();

/** One reader per API server context, shared by its plugins' handles and the server that binds it. */
export function clusterReaderFor(ctx: object): LateClusterReader {
  let r = readers.get(ctx);
  if (!r) readers.set(ctx, (r = new LateClusterReader()));
  return r;
}
