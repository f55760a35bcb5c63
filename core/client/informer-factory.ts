import { setMaxListeners } from "node:events";
import type { Logger } from "../kernel/logging.js";
import type { Clock } from "./clock.js";
import type { KubeClient } from "./rest-client.js";
import { SharedInformer, type SharedInformerOptions } from "./shared-informer.js";
import type { KubeObject, ResourceRef } from "./types.js";

export interface InformerFactoryOptions {
  /** Resync period for informers that name none; 0 turns resync off. */
  defaultResyncMs?: number;
  clock?: Clock;
  logger?: Logger;
}

/**
 * One informer per resource (and namespace, and selector) however many controllers ask, as
 * upstream's SharedInformerFactory. Informers asked for after `start` start at once.
 */
export class SharedInformerFactory {
  private readonly informers = new Map<string, SharedInformer<any>>();
  private signal: AbortSignal | undefined;

  constructor(
    readonly client: KubeClient,
    private readonly opts: InformerFactoryOptions = {},
  ) {}

  informerFor<T extends KubeObject = KubeObject>(
    ref: ResourceRef,
    opts: Pick<SharedInformerOptions<T>, "resyncMs" | "labelSelector" | "fieldSelector"> & { namespace?: string } = {},
  ): SharedInformer<T> {
    return this.shared(ref, opts, false);
  }

  /**
   * An informer holding metadata only (upstream's metadata informers): PartialObjectMetadata
   * from get, list and watch, for controllers that read no spec or status.
   */
  metadataInformerFor(
    ref: ResourceRef,
    opts: Pick<SharedInformerOptions<KubeObject>, "resyncMs" | "labelSelector" | "fieldSelector"> & { namespace?: string } = {},
  ): SharedInformer<KubeObject> {
    return this.shared(ref, opts, true);
  }

  private shared<T extends KubeObject>(
    ref: ResourceRef,
    opts: Pick<SharedInformerOptions<T>, "resyncMs" | "labelSelector" | "fieldSelector"> & { namespace?: string },
    metadataOnly: boolean,
  ): SharedInformer<T> {
    const key = [metadataOnly ? "metadata" : "full", ref.group, ref.version, ref.resource, opts.namespace ?? "", opts.labelSelector ?? "", opts.fieldSelector ?? ""].join("|");
    let informer = this.informers.get(key) as SharedInformer<T> | undefined;
    if (!informer) {
      const resource = this.client.resource<T>(ref, opts.namespace);
      informer = new SharedInformer<T>(metadataOnly ? resource.metadataOnly() : resource, {
        resyncMs: opts.resyncMs ?? this.opts.defaultResyncMs ?? 0,
        ...(opts.labelSelector ? { labelSelector: opts.labelSelector } : {}),
        ...(opts.fieldSelector ? { fieldSelector: opts.fieldSelector } : {}),
        ...(this.opts.clock ? { clock: this.opts.clock } : {}),
        ...(this.opts.logger ? { logger: this.opts.logger } : {}),
      });
      this.informers.set(key, informer);
      if (this.signal) informer.start(this.signal);
    }
    return informer;
  }

  start(signal: AbortSignal): void {
    // One signal for every informer, each listening to it: dozens of listeners are expected here.
    const own = new AbortController();
    setMaxListeners(0, own.signal);
    if (signal.aborted) own.abort();
    else signal.addEventListener("abort", () => own.abort(), { once: true });
    this.signal = own.signal;
    for (const i of this.informers.values()) i.start(own.signal);
  }

  /** True once every informer asked for so far has synced; false if `signal` aborts first. */
  async waitForCacheSync(signal?: AbortSignal): Promise<boolean> {
    const informers = [...this.informers.values()];
    if (informers.every((i) => i.hasSynced())) return true;
    // One abort listener for the lot, not one per informer.
    const aborted = new Promise<boolean>((resolve) => {
      if (signal?.aborted) resolve(false);
      signal?.addEventListener("abort", () => resolve(false), { once: true });
    });
    return Promise.race([Promise.all(informers.map((i) => i.waitForSync())).then(() => true), aborted]);
  }

  /**
   * Stops every informer and forgets them, so that a later `start` (a controller manager's next
   * term as leader) begins from fresh caches.
   */
  async stop(): Promise<void> {
    const stopping = [...this.informers.values()];
    this.informers.clear();
    this.signal = undefined;
    await Promise.all(stopping.map((i) => i.stop()));
  }
}
