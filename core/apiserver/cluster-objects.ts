import type { AdmissionRequest, RequestAttributes, UserInfo } from "./chains.js";
import type { KubeObj } from "./registry/strategy.js";
import type { Stores } from "./registry/stores.js";
import type { Logger } from "../kernel/logging.js";
import type { ComponentContext } from "../kernel/component.js";
import { decide } from "./filters/authorize.js";
import { ApiServer } from "./points.js";

/** A served resource, as plugins name it. */
export interface ResourceRef {
  group: string;
  version: string;
  resource: string;
}

export type ObjectEventType = "ADDED" | "MODIFIED" | "DELETED";

/** Objects written on the server's own behalf at start (bootstrap policy and the like). */
export interface ObjectWriter {
  get(res: ResourceRef, namespace: string | undefined, name: string): Promise<KubeObj | undefined>;
  create(res: ResourceRef, namespace: string | undefined, obj: KubeObj): Promise<KubeObj>;
  update(res: ResourceRef, namespace: string | undefined, obj: KubeObj): Promise<KubeObj>;
}

/** A check on writes of one resource, run before admission; throwing a StatusError refuses the write. */
export type WriteGuard = (req: AdmissionRequest) => Promise<void> | void;

/**
 * What chain plugins read and write of the cluster from inside the API server, without a
 * client: the watch cache's objects (an authorizer's roles, a node graph), writes at start
 * (bootstrap objects), guards on writes of a resource (upstream's policy-checking storage
 * wrappers, such as RBAC's escalation check), and the whole authorization chain's answer.
 * Plugins are built before the server's stores exist; each call waits for them.
 */
export interface ClusterObjects {
  /**
   * Every object of a resource now (as ADDED), then each change, from the watch cache.
   * `synced` resolves once the current state has been delivered.
   */
  follow(res: ResourceRef, onEvent: (type: ObjectEventType, obj: KubeObj) => void): { synced: Promise<void>; close(): void };
  /** One object as the watch cache holds it now (storage when the cache has not seen it); undefined when absent. */
  get(res: ResourceRef, namespace: string | undefined, name: string): Promise<KubeObj | undefined>;
  /** Runs once the stores exist, before the server reports ready. */
  onStart(fn: (writer: ObjectWriter) => Promise<void>): void;
  guardWrites(group: string, resource: string, guard: WriteGuard): void;
  /** Whether the full authorization chain (privileged group included) allows these attributes. */
  allowed(attrs: RequestAttributes): Promise<boolean>;
}

const SERVER: UserInfo = { name: "system:apiserver", groups: ["system:masters"] };
const WRITE = { user: SERVER, dryRun: false, fieldManager: "kube-apiserver" };

/** The API server's side: bound to the stores at start. */
export class ClusterObjectsHost implements ClusterObjects {
  private stores: Stores | undefined;
  private readonly bound: Promise<void>;
  private bind!: () => void;
  private readonly starters: ((writer: ObjectWriter) => Promise<void>)[] = [];
  private readonly guards = new Map<string, WriteGuard[]>();
  private closed = false;
  private readonly followers = new Set<() => void>();

  constructor(
    private readonly decide: (attrs: RequestAttributes) => Promise<boolean>,
    private readonly logger: () => Logger,
  ) {
    this.bound = new Promise((resolve) => (this.bind = resolve));
  }

  follow(res: ResourceRef, onEvent: (type: ObjectEventType, obj: KubeObj) => void): { synced: Promise<void>; close(): void } {
    let close = () => {};
    let closed = false;
    const synced = this.bound.then(async () => {
      if (closed || this.closed) return;
      const store = await this.stores!.for(res.group, res.version, res.resource);
      const attach = () => {
        const w = store.cache.watch(undefined, () => true, {
          onEvent: (type, obj) => onEvent(type as ObjectEventType, obj as KubeObj),
          onBookmark: () => undefined,
          // A relisting cache ends its watches with 410: follow again from the current state.
          onError: (err) => {
            if (closed || this.closed) return;
            this.logger().warn({ err: (err as Error).message, resource: res.resource }, "follow ended; following again");
            setTimeout(attach, 100).unref();
          },
        });
        close = () => w.close();
      };
      attach();
    });
    const stop = () => {
      closed = true;
      close();
      this.followers.delete(stop);
    };
    this.followers.add(stop);
    return { synced, close: stop };
  }

  async get(res: ResourceRef, namespace: string | undefined, name: string): Promise<KubeObj | undefined> {
    await this.bound;
    const store = await this.stores!.for(res.group, res.version, res.resource);
    return (store.cache.get(store.key(namespace, name)) as KubeObj | undefined) ?? (await store.tryGet(namespace, name));
  }

  onStart(fn: (writer: ObjectWriter) => Promise<void>): void {
    this.starters.push(fn);
  }

  guardWrites(group: string, resource: string, guard: WriteGuard): void {
    const key = `${group}/${resource}`;
    this.guards.set(key, [...(this.guards.get(key) ?? []), guard]);
  }

  allowed(attrs: RequestAttributes): Promise<boolean> {
    return this.decide(attrs);
  }

  /** The guards of a write, run before the admission chain. */
  async check(req: AdmissionRequest): Promise<void> {
    for (const guard of this.guards.get(`${req.group}/${req.resource}`) ?? []) await guard(req);
  }

  /** Binds the stores and runs the start hooks in registration order. */
  async start(stores: Stores): Promise<void> {
    this.stores = stores;
    this.bind();
    const writer: ObjectWriter = {
      get: async (res, ns, name) => (await stores.for(res.group, res.version, res.resource)).tryGet(ns, name),
      create: async (res, ns, obj) => (await stores.for(res.group, res.version, res.resource)).create(ns, obj, WRITE),
      update: async (res, ns, obj) => (await (await stores.for(res.group, res.version, res.resource)).update(ns, obj.metadata.name, obj, WRITE)).obj,
    };
    for (const fn of this.starters) await fn(writer);
  }

  stop(): void {
    this.closed = true;
    for (const stop of [...this.followers]) stop();
  }
}

const byComponent = new WeakMap<object, ClusterObjectsHost>();

/** The one host of an API server instance, shared by its handles and the server. */
export function clusterObjectsOf(ctx: ComponentContext<any>): ClusterObjectsHost {
  let host = byComponent.get(ctx);
  if (!host) {
    host = new ClusterObjectsHost(async (attrs) => (await decide(ctx.entries(ApiServer.authorization), attrs)).allowed, () => ctx.logger);
    byComponent.set(ctx, host);
  }
  return host;
}
