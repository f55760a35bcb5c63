import type { StatusObject } from "../api/status.js";
import type { ClientConfig } from "./config.js";
import { loadKubeconfig } from "./config.js";
import { ApiStatusError, statusErrorFromResponse } from "./errors.js";
import { Http2Transport } from "./http2-transport.js";
import { HttpsTransport } from "./https-transport.js";
import { NegotiatingTransport } from "./negotiating-transport.js";
import type { Transport } from "./transport.js";
import {
  patchContentTypes,
  type DeleteOptions,
  type KubeList,
  type KubeObject,
  type ListOptions,
  type PatchOptions,
  type PatchType,
  type ResourceRef,
  type WatchEvent,
  type WatchOptions,
  type WriteOptions,
} from "./types.js";

type Query = Record<string, string | number | boolean | undefined>;

export interface RequestOptions {
  query?: Query;
  body?: unknown;
  contentType?: string;
  signal?: AbortSignal;
  /** The Accept header; JSON by default. */
  accept?: string;
}

/** What client-go's metadata client sends: PartialObjectMetadata, whole objects from servers that cannot. */
export const METADATA_ACCEPT = "application/json;as=PartialObjectMetadata;g=meta.k8s.io;v=v1,application/json";

/** Counts requests by verb, so a benchmark or a test can say how many calls a controller made. */
export interface RequestCounter {
  (method: string, status: number): void;
}

/**
 * A JSON REST client for the Kubernetes API. Every call goes through a `Transport`;
 * failures are `ApiStatusError`s carrying the server's Status.
 */
export class KubeClient {
  private readonly listeners: RequestCounter[] = [];

  constructor(readonly transport: Transport) {}

  /** A client for `config`; the protocol is settled on the first call (see ClientConfig.protocol). */
  static fromConfig(config: ClientConfig): KubeClient {
    return new KubeClient(transportFor(config));
  }

  static async fromKubeconfig(file: string, overrides: Partial<ClientConfig> = {}): Promise<KubeClient> {
    return KubeClient.fromConfig({ ...(await loadKubeconfig(file)), ...overrides });
  }

  /** A client for one resource, optionally bound to a namespace. */
  resource<T extends KubeObject = KubeObject>(ref: ResourceRef, namespace?: string): ResourceClient<T> {
    return new ResourceClient<T>(this, ref, namespace);
  }

  onRequest(listener: RequestCounter): void {
    this.listeners.push(listener);
  }

  async request<T = unknown>(method: string, path: string, opts: RequestOptions = {}): Promise<T> {
    const full = path + queryString(opts.query);
    const headers: Record<string, string> = { Accept: opts.accept ?? "application/json" };
    let body: string | undefined;
    if (opts.body !== undefined) {
      body = typeof opts.body === "string" ? opts.body : JSON.stringify(opts.body);
      headers["Content-Type"] = opts.contentType ?? "application/json";
    }
    const res = await this.transport.request({ method, path: full, headers, ...(body !== undefined ? { body } : {}), ...(opts.signal ? { signal: opts.signal } : {}) });
    for (const l of this.listeners) l(method, res.status);
    const text = res.body.toString("utf8");
    if (res.status < 200 || res.status >= 300) throw statusErrorFromResponse(res.status, text, method, full);
    return (text ? JSON.parse(text) : undefined) as T;
  }

  /**
   * Watch events from `path` until the server ends the stream or `signal` aborts. An ERROR event
   * is thrown as an ApiStatusError (a 410 means: list again).
   */
  async *watch<T extends KubeObject = KubeObject>(path: string, query: Query, signal: AbortSignal, accept = "application/json"): AsyncGenerator<WatchEvent<T>> {
    const full = path + queryString({ ...query, watch: true });
    let res;
    try {
      res = await this.transport.stream({ method: "GET", path: full, headers: { Accept: accept }, signal });
    } catch (err) {
      if (signal.aborted) return;
      throw err;
    }
    for (const l of this.listeners) l("WATCH", res.status);
    if (res.status !== 200) {
      const chunks: Buffer[] = [];
      for await (const c of res.body) chunks.push(c);
      throw statusErrorFromResponse(res.status, Buffer.concat(chunks).toString("utf8"), "GET", full);
    }
    let pending = "";
    try {
      for await (const chunk of res.body) {
        pending += chunk.toString("utf8");
        let nl: number;
        while ((nl = pending.indexOf("\n")) >= 0) {
          const line = pending.slice(0, nl).trim();
          pending = pending.slice(nl + 1);
          if (!line) continue;
          const event = JSON.parse(line) as WatchEvent<T>;
          if (event.type === "ERROR") {
            const status = event.object as unknown as StatusObject;
            throw new ApiStatusError({ ...status, code: status.code ?? 500 }, "WATCH", full);
          }
          yield event;
        }
      }
    } catch (err) {
      if (signal.aborted && !(err instanceof ApiStatusError)) return;
      throw err;
    }
  }

  close(): void {
    this.transport.close();
  }
}

/** Verbs on one resource (and its subresources), in one namespace or across all. */
export class ResourceClient<T extends KubeObject = KubeObject> {
  constructor(
    readonly client: KubeClient,
    readonly ref: ResourceRef,
    readonly namespace?: string,
    /** Set for a metadata-only client: get, list and watch then carry PartialObjectMetadata. */
    private readonly accept?: string,
  ) {}

  /** The same resource in another namespace. */
  inNamespace(namespace: string | undefined): ResourceClient<T> {
    return new ResourceClient<T>(this.client, this.ref, namespace, this.accept);
  }

  /**
   * This resource read as metadata only (client-go's metadata client): objects carry
   * `metadata` and no spec or status, which is all a garbage collector or quota counter needs.
   */
  metadataOnly(): ResourceClient<T> {
    return new ResourceClient<T>(this.client, this.ref, this.namespace, METADATA_ACCEPT);
  }

  /** `/api/v1/namespaces/ns/pods/name/status`-style paths. */
  path(name?: string, subresource?: string, namespace = this.namespace): string {
    const { group, version, resource, namespaced } = this.ref;
    let p = group ? `/apis/${group}/${version}` : `/api/${version}`;
    if (namespaced && namespace) p += `/namespaces/${encodeURIComponent(namespace)}`;
    p += `/${resource}`;
    if (name !== undefined) {
      if (!name) throw new Error(`${resource}: a name is required`);
      if (namespaced && !namespace) throw new Error(`${resource} ${name}: a namespace is required`);
      p += `/${encodeURIComponent(name)}`;
      if (subresource) p += `/${subresource}`;
    }
    return p;
  }

  get(name: string, opts: { subresource?: string; signal?: AbortSignal } = {}): Promise<T> {
    return this.client.request<T>("GET", this.path(name, opts.subresource), { ...(opts.signal ? { signal: opts.signal } : {}), ...(this.accept ? { accept: this.accept } : {}) });
  }

  list(opts: ListOptions = {}): Promise<KubeList<T>> {
    return this.client.request<KubeList<T>>("GET", this.path(), { query: { ...opts }, ...(this.accept ? { accept: this.accept } : {}) });
  }

  /** Every page of a list, at one revision. */
  async listAll(opts: ListOptions = {}, pageSize = 500): Promise<KubeList<T>> {
    const first = await this.list({ ...opts, limit: pageSize });
    const items = [...first.items];
    let next = first.metadata.continue;
    while (next) {
      const page = await this.list({ ...opts, limit: pageSize, continue: next, resourceVersion: undefined, resourceVersionMatch: undefined });
      items.push(...page.items);
      next = page.metadata.continue;
    }
    return { ...first, metadata: { resourceVersion: first.metadata.resourceVersion }, items };
  }

  watch(opts: WatchOptions, signal: AbortSignal): AsyncGenerator<WatchEvent<T>> {
    return this.client.watch<T>(this.path(), { ...opts }, signal, this.accept);
  }

  create(obj: T, opts: WriteOptions = {}): Promise<T> {
    const ns = this.ref.namespaced ? (this.namespace ?? obj.metadata.namespace) : undefined;
    return this.client.request<T>("POST", this.path(undefined, undefined, ns), { body: obj, query: writeQuery(opts) });
  }

  update(obj: T, opts: WriteOptions & { subresource?: string } = {}): Promise<T> {
    return this.client.request<T>("PUT", this.objectPath(obj, opts.subresource), { body: obj, query: writeQuery(opts) });
  }

  updateStatus(obj: T, opts: WriteOptions = {}): Promise<T> {
    return this.update(obj, { ...opts, subresource: "status" });
  }

  patch(name: string, type: PatchType, patch: unknown, opts: PatchOptions & { subresource?: string } = {}): Promise<T> {
    const query: Query = { ...writeQuery(opts), ...(opts.force !== undefined ? { force: opts.force } : {}) };
    return this.client.request<T>("PATCH", this.path(name, opts.subresource), { body: patch, contentType: patchContentTypes[type], query });
  }

  patchStatus(name: string, type: PatchType, patch: unknown, opts: PatchOptions = {}): Promise<T> {
    return this.patch(name, type, patch, { ...opts, subresource: "status" });
  }

  /** Deletes; answers the object (when finalizers keep it) or the server's Status. */
  delete(name: string, opts: DeleteOptions = {}): Promise<T | StatusObject> {
    return this.client.request<T | StatusObject>("DELETE", this.path(name), { body: deleteBody(opts), query: opts.dryRun ? { dryRun: "All" } : {} });
  }

  deleteCollection(list: ListOptions = {}, opts: DeleteOptions = {}): Promise<KubeList<T> | StatusObject> {
    return this.client.request("DELETE", this.path(), { body: deleteBody(opts), query: { labelSelector: list.labelSelector, fieldSelector: list.fieldSelector, ...(opts.dryRun ? { dryRun: "All" } : {}) } });
  }

  private objectPath(obj: T, subresource?: string): string {
    const ns = this.ref.namespaced ? (this.namespace ?? obj.metadata.namespace) : undefined;
    return this.path(obj.metadata.name ?? "", subresource, ns);
  }
}

export function transportFor(config: ClientConfig): Transport {
  if (config.protocol === "h2") return new Http2Transport(config);
  if (config.protocol === "http/1.1") return new HttpsTransport(config);
  return new NegotiatingTransport(config);
}

function deleteBody(opts: DeleteOptions) {
  const body: Record<string, unknown> = { kind: "DeleteOptions", apiVersion: "v1" };
  if (opts.propagationPolicy) body.propagationPolicy = opts.propagationPolicy;
  if (opts.gracePeriodSeconds !== undefined) body.gracePeriodSeconds = opts.gracePeriodSeconds;
  if (opts.preconditions) body.preconditions = opts.preconditions;
  return body;
}

function writeQuery(opts: WriteOptions): Query {
  return { fieldManager: opts.fieldManager, fieldValidation: opts.fieldValidation, ...(opts.dryRun ? { dryRun: "All" } : {}) };
}

function queryString(query: Query | undefined): string {
  if (!query) return "";
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) if (v !== undefined && v !== "") params.set(k, String(v));
  const s = params.toString();
  return s ? `?${s}` : "";
}
