import type { Logger } from "../../kernel/logging.js";
import type { Storage } from "../storage.js";
import { WatchCache } from "../watch-cache.js";
import type { ResourceCatalog } from "./catalog.js";
import type { ServedResource } from "./served-resource.js";
import { ResourceStore, type StoreHooks } from "./store.js";
import type { Strategy } from "./strategy.js";
import { builtinConversions } from "../conversion/index.js";

export type StrategyLookup = (res: ServedResource) => Strategy;

/**
 * One ResourceStore and one watch cache per storage prefix, made on first use, so a
 * server that never touches a resource never watches it.
 */
export class Stores {
  private readonly stores = new Map<string, ResourceStore>();
  private readonly caches = new Map<string, { cache: WatchCache; ready: Promise<void> }>();

  constructor(
    readonly catalog: ResourceCatalog,
    private readonly storage: Storage,
    private readonly strategies: StrategyLookup,
    private readonly hooks: StoreHooks,
    private readonly opts: { capacity: number; bookmarkIntervalMs: number; logger: Logger },
  ) {}

  /** The store for a served resource, its watch cache primed. */
  async get(res: ServedResource): Promise<ResourceStore> {
    const key = `${res.group}/${res.version}/${res.plural}`;
    let store = this.stores.get(key);
    if (!store || store.res !== res) {
      store = new ResourceStore(res, this.storage, this.cacheFor(res.prefix).cache, this.strategies(res), this.hooks, builtinConversions().codecFor(res));
      this.stores.set(key, store);
    }
    await this.caches.get(res.prefix)!.ready;
    return store;
  }

  async for(group: string, version: string, plural: string): Promise<ResourceStore> {
    const res = this.catalog.get(group, version, plural);
    if (!res) throw new Error(`no resource ${plural} in ${group}/${version}`);
    return this.get(res);
  }

  private cacheFor(prefix: string) {
    let entry = this.caches.get(prefix);
    if (!entry) {
      const cache = new WatchCache(this.storage, prefix, {
        capacity: this.opts.capacity,
        bookmarkIntervalMs: this.opts.bookmarkIntervalMs,
        logger: this.opts.logger,
      });
      entry = { cache, ready: cache.start() };
      this.caches.set(prefix, entry);
    }
    return entry;
  }

  watcherCount(): number {
    let n = 0;
    for (const { cache } of this.caches.values()) n += cache.watcherCount();
    return n;
  }

  stop(): void {
    for (const { cache } of this.caches.values()) cache.stop();
    this.caches.clear();
    this.stores.clear();
  }
}
