import { currentRequestScope } from "../request-scope.js";
import { isDeepStrictEqual } from "node:util";
import { randomUUID } from "node:crypto";
import type { Storage, KeyValue } from "../storage.js";
import type { WatchCache } from "../watch-cache.js";
import type { AdmissionRequest, UserInfo } from "../chains.js";
import type { Strategy, KubeObj, StrategyContext } from "./strategy.js";
import type { StorageCodec } from "../conversion/index.js";
import { apiVersionOf, groupResource, hasSubresource, type ServedResource } from "./served-resource.js";
import {
  StatusError,
  alreadyExists,
  badRequest,
  conflict,
  expired,

  invalid,
  notFound,
  fieldRequired,
  fieldInvalid,
  type FieldCause,
} from "../../api/status.js";
import { generateNameSuffix, validateObjectName } from "../../api/names.js";
import { parseLabelSelector } from "../../api/labels.js";
import { fieldsOf, parseFieldSelector, validateFieldSelector } from "../../api/fields.js";
import { recordUpdate } from "./field-tracking.js";

export interface ListQuery {
  labelSelector?: string;
  fieldSelector?: string;
  limit?: number;
  continue?: string;
  resourceVersion?: string;
  resourceVersionMatch?: string;
}

export interface WriteOptions {
  user: UserInfo;
  dryRun: boolean;
  subresource?: string;
  fieldManager?: string;
  userAgent?: string;
  /** The object comes from server-side apply, which has already set its managedFields. */
  applied?: boolean;
}

export interface DeleteOptions extends WriteOptions {
  gracePeriodSeconds?: number;
  propagationPolicy?: "Background" | "Foreground" | "Orphan";
  preconditions?: { uid?: string; resourceVersion?: string };
}

/** What the store asks of the server around it: admission, namespace state. */
export interface StoreHooks {
  admit(req: AdmissionRequest, phase: "mutate" | "validate"): Promise<void>;
  /** Throws NotFound for a missing namespace, Forbidden for one being terminated. */
  checkNamespace(namespace: string, creating: boolean): Promise<void>;
}

const GUARANTEED_UPDATE_TRIES = 16;

/** How long a consistent read waits for the watch cache before reading storage (upstream waits up to 3 s). */
const CONSISTENT_READ_WAIT_MS = 3000;

/**
 * The generic REST store of one resource (upstream's registry Store): every verb's
 * semantics over the storage point, with the kind's strategy for what differs.
 */
export class ResourceStore {
  readonly hasStatus: boolean;
  /** Cached objects as this version serves them, shared as the cache's entries are. */
  private readonly servedViews = new WeakMap<KubeObj, KubeObj>();

  constructor(
    readonly res: ServedResource,
    private readonly storage: Storage,
    readonly cache: WatchCache,
    private readonly strategy: Strategy,
    private readonly hooks: StoreHooks,
    /** Present when this version is not the storage form: objects are converted on every read and write. */
    private readonly codec?: StorageCodec,
  ) {
    this.hasStatus = hasSubresource(res, "status");
  }

  key(namespace: string | undefined, name: string): string {
    return this.res.namespaced ? `${this.res.prefix}${namespace}/${name}` : `${this.res.prefix}${name}`;
  }

  /** The storage prefix of a list: one namespace or all. */
  listPrefix(namespace: string | undefined): string {
    return this.res.namespaced && namespace ? `${this.res.prefix}${namespace}/` : this.res.prefix;
  }

  decode(kv: KeyValue): KubeObj {
    const obj = JSON.parse(kv.value) as KubeObj;
    obj.metadata.resourceVersion = String(kv.modRevision);
    return this.withTypeMeta(this.codec ? this.codec.fromStorage(obj) : obj);
  }

  /** Whether this version is converted from another storage form on every read. */
  get converts(): boolean {
    return this.codec !== undefined;
  }

  /** A stored (cached, shared) object in this version, as a new object the caller may change. */
  view(stored: KubeObj): KubeObj {
    return this.withTypeMeta(this.codec ? this.codec.fromStorage(stored) : structuredClone(stored));
  }

  /** Stored objects keep the storage version's apiVersion; answers carry the served one. */
  withTypeMeta(obj: KubeObj): KubeObj {
    obj.apiVersion = apiVersionOf(this.res);
    obj.kind = this.res.kind;
    return obj;
  }

  private encode(obj: KubeObj): string {
    const stored = this.codec ? this.codec.toStorage(obj) : obj;
    const { resourceVersion: _rv, ...meta } = stored.metadata;
    const apiVersion = this.codec ? this.codec.storageApiVersion : apiVersionOf(this.res);
    const kind = this.codec ? this.codec.storageKind : this.res.kind;
    return JSON.stringify({ ...stored, apiVersion, kind, metadata: meta });
  }

  async get(namespace: string | undefined, name: string): Promise<KubeObj> {
    const kv = await this.storage.get(this.key(namespace, name));
    if (!kv) throw notFound({ group: this.res.group, resource: this.res.plural }, name);
    return this.decode(kv);
  }

  /**
   * A GET as upstream's consistent reads from cache answer it: read the storage's
   * current revision, wait for the watch cache to reach it, and answer from the cache,
   * so the result is as fresh as a storage read without parsing the stored value.
   * The object is shared with the cache and must not be mutated; storage answers when
   * the cache lags.
   */
  async read(namespace: string | undefined, name: string): Promise<KubeObj> {
    if (!(await this.cache.waitForRevision(await this.storage.currentRevision(), CONSISTENT_READ_WAIT_MS))) return this.get(namespace, name);
    const obj = this.cache.get(this.key(namespace, name));
    if (!obj) throw notFound({ group: this.res.group, resource: this.res.plural }, name);
    return this.served(obj);
  }

  /**
   * What a cached object is served as: its view in this version, made once per cached
   * object and shared like it (so the HTTP layer may reuse its serialized text).
   */
  private served(cached: KubeObj): KubeObj {
    let out = this.servedViews.get(cached);
    if (!out) {
      out = this.codec ? this.view(cached) : ({ ...cached, apiVersion: apiVersionOf(this.res), kind: this.res.kind } as KubeObj);
      this.servedViews.set(cached, out);
    }
    return out;
  }

  async tryGet(namespace: string | undefined, name: string): Promise<KubeObj | undefined> {
    const kv = await this.storage.get(this.key(namespace, name));
    return kv ? this.decode(kv) : undefined;
  }

  /** Builds the filter a list or watch applies: namespace, labels, fields. */
  filter(namespace: string | undefined, q: { labelSelector?: string; fieldSelector?: string }): (o: KubeObj) => boolean {
    const labels = q.labelSelector ? parseLabelSelector(q.labelSelector) : undefined;
    const fields = q.fieldSelector ? parseFieldSelector(q.fieldSelector) : undefined;
    if (fields) validateFieldSelector({ group: this.res.group, resource: this.res.plural }, fields);
    const gr = { group: this.res.group, resource: this.res.plural };
    return (o) =>
      (!this.res.namespaced || !namespace || o.metadata.namespace === namespace) &&
      (!labels || labels.matches(o.metadata.labels ?? {})) &&
      (!fields || fields.matches(fieldsOf(gr, o)));
  }

  /** The filter of a list or watch over stored objects: field selectors name this version's fields. */
  storedFilter(namespace: string | undefined, q: { labelSelector?: string; fieldSelector?: string }): (o: KubeObj) => boolean {
    const match = this.filter(namespace, q);
    if (!this.codec || !q.fieldSelector) return match;
    const codec = this.codec;
    return (o) => match(codec.fromStorage(o));
  }

  async list(namespace: string | undefined, q: ListQuery): Promise<{ items: KubeObj[]; resourceVersion: string; continue?: string; remainingItemCount?: number }> {
    const match = this.filter(namespace, q);
    const storedMatch = this.storedFilter(namespace, q);
    const limit = q.limit && q.limit > 0 ? q.limit : 0;
    // resourceVersion=0 without paging means "any recent state": the watch cache answers.
    if (!q.continue && !limit && (q.resourceVersion === "0" || q.resourceVersion === undefined || q.resourceVersion === "")) {
      if (q.resourceVersion === "0" || (await this.cacheIsCurrent())) {
        const { items, revision } = this.cache.list(storedMatch);
        return { items: items.map((o) => this.served(o)), resourceVersion: String(revision) };
      }
    }
    let revision: number | undefined;
    let after: string | undefined;
    if (q.continue) {
      const token = decodeContinue(q.continue);
      revision = token.rv;
      after = token.start;
      const compacted = await this.storage.compactedRevision();
      if (revision <= compacted) {
        throw expired("The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter, or use the continue token in this response to retrieve the remainder of the results. Continuing with the provided token results in an inconsistent list - objects that were created, modified, or deleted between the time the first chunk was returned and now may show up in the list.");
      }
    } else if (q.resourceVersion && q.resourceVersion !== "0" && q.resourceVersionMatch === "Exact") {
      revision = Number(q.resourceVersion);
    }
    const prefix = this.listPrefix(namespace);
    const items: KubeObj[] = [];
    let lastKey = after;
    let listRevision = revision ?? 0;
    let more = false;
    // Pages are filled after filtering, reading the store in chunks at one revision.
    for (;;) {
      const chunk = Math.max(limit ? limit * 2 : 1000, 100);
      const res = await this.storage.list(prefix, { ...(listRevision ? { revision: listRevision } : {}), ...(lastKey ? { after: lastKey } : {}), limit: chunk });
      listRevision = res.revision;
      for (const kv of res.kvs) {
        lastKey = kv.key;
        const obj = this.decode(kv);
        if (!match(obj)) continue;
        items.push(obj);
        if (limit && items.length === limit) break;
      }
      if (limit && items.length === limit) {
        more = res.more || res.kvs[res.kvs.length - 1]?.key !== lastKey;
        break;
      }
      if (!res.more) break;
    }
    const out: { items: KubeObj[]; resourceVersion: string; continue?: string; remainingItemCount?: number } = { items, resourceVersion: String(listRevision) };
    if (more && lastKey) out.continue = encodeContinue({ rv: listRevision, start: lastKey });
    return out;
  }

  private async cacheIsCurrent(): Promise<boolean> {
    return this.cache.waitForRevision(await this.storage.currentRevision(), CONSISTENT_READ_WAIT_MS);
  }

  async create(namespace: string | undefined, body: KubeObj, opts: WriteOptions): Promise<KubeObj> {
    const obj = structuredClone(body);
    this.checkTypeMeta(obj);
    obj.metadata ??= {};
    const meta = obj.metadata;
    if (this.res.namespaced) {
      if (meta.namespace && namespace && meta.namespace !== namespace) {
        throw badRequest("the namespace of the provided object does not match the namespace sent on the request");
      }
      meta.namespace = namespace ?? meta.namespace;
      if (!meta.namespace) throw badRequest("the server could not find the requested resource: a namespaced resource needs a namespace");
    } else {
      delete meta.namespace;
    }
    const generated = !meta.name && !!meta.generateName;
    if (generated) meta.name = `${meta.generateName}${generateNameSuffix()}`;
    // Server-set fields: what a client sends is ignored.
    meta.uid = randomUUID();
    meta.creationTimestamp = rfc3339(new Date());
    if (this.strategy.tracksGeneration === false) delete meta.generation;
    else meta.generation = 1;
    delete meta.resourceVersion;
    delete meta.deletionTimestamp;
    delete meta.deletionGracePeriodSeconds;
    delete meta.selfLink;
    if (this.hasStatus && opts.subresource === undefined) delete obj.status;

    const ctx: StrategyContext = { user: opts.user, namespace: meta.namespace, dryRun: opts.dryRun };
    await this.strategy.prepareForCreate?.(obj, ctx);
    await this.hooks.admit(this.admission("CREATE", obj, undefined, opts), "mutate");
    const causes: FieldCause[] = [];
    if (!meta.name) causes.push(fieldRequired("metadata.name", "name or generateName is required"));
    else causes.push(...validateObjectName(meta.name, this.strategy.nameRule ?? "subdomain", "metadata.name"));
    causes.push(...validateMeta(meta));
    causes.push(...((await this.strategy.validate?.(obj, ctx)) ?? []));
    if (causes.length) throw invalid({ group: this.res.group, kind: this.res.kind }, meta.name ?? "", causes);
    await this.hooks.admit(this.admission("CREATE", obj, undefined, opts), "validate");
    if (this.res.namespaced) await this.hooks.checkNamespace(meta.namespace, true);

    // An existing object answers AlreadyExists before anything is claimed for the new one.
    if (!generated && (await this.storage.get(this.key(meta.namespace, meta.name)))) {
      throw alreadyExists({ group: this.res.group, resource: this.res.plural }, meta.name);
    }
    if (!opts.applied) recordUpdate(this.res, undefined, obj, opts);
    const undo = await this.strategy.reserve?.(obj, undefined, ctx);
    if (opts.dryRun) {
      await undo?.();
      return this.withTypeMeta(obj);
    }
    const result = await this.storage.create(this.key(meta.namespace, meta.name), this.encode(obj));
    if (!result.ok) {
      await undo?.();
      throw alreadyExists({ group: this.res.group, resource: this.res.plural }, meta.name);
    }
    const created = this.decode(result.kv);
    await this.strategy.afterCreate?.(created);
    return created;
  }

  /**
   * Read-modify-write with retries on races (upstream's GuaranteedUpdate). `mutate`
   * gets a copy of the current object and returns the desired one; a resourceVersion
   * the caller pinned turns a race into 409 Conflict.
   */
  async guaranteedUpdate(
    namespace: string | undefined,
    name: string,
    opts: WriteOptions,
    mutate: (current: KubeObj) => KubeObj | Promise<KubeObj>,
  ): Promise<{ obj: KubeObj; changed: boolean }> {
    const key = this.key(namespace, name);
    for (let attempt = 0; attempt < GUARANTEED_UPDATE_TRIES; attempt++) {
      const kv = await this.storage.get(key);
      if (!kv) throw notFound({ group: this.res.group, resource: this.res.plural }, name);
      const old = this.decode(kv);
      const desired = await mutate(structuredClone(old));
      const pinned = desired.metadata?.resourceVersion;
      if (pinned && pinned !== old.metadata.resourceVersion) throw this.conflict(name);
      const next = await this.prepareUpdate(desired, old, opts);
      if (!opts.applied) recordUpdate(this.res, old, next, opts);
      if (isDeepStrictEqual(stripVolatile(next), stripVolatile(old))) return { obj: old, changed: false };
      const undo = await this.strategy.reserve?.(next, old, { user: opts.user, namespace, dryRun: opts.dryRun, subresource: opts.subresource });
      if (opts.dryRun) {
        await undo?.();
        return { obj: this.withTypeMeta(next), changed: true };
      }
      // Finalization complete: the last finalizer left an object that was being deleted.
      if (next.metadata.deletionTimestamp && this.readyToDelete(next)) {
        const del = await this.storage.delete(key, kv.modRevision);
        if (del.ok) {
          await this.strategy.release?.(next);
          const gone = this.decode({ ...del.kv, value: this.encode(next) });
          return { obj: gone, changed: true };
        }
        await undo?.();
        if (pinned) throw this.conflict(name);
        continue;
      }
      const res = await this.storage.update(key, this.encode(next), kv.modRevision);
      if (res.ok) {
        await this.strategy.release?.(old, next);
        return { obj: this.decode(res.kv), changed: true };
      }
      await undo?.();
      if (res.reason === "not-found") throw notFound({ group: this.res.group, resource: this.res.plural }, name);
      if (pinned) throw this.conflict(name);
    }
    throw this.conflict(name);
  }

  async update(namespace: string | undefined, name: string, body: KubeObj, opts: WriteOptions): Promise<{ obj: KubeObj; created: boolean }> {
    this.checkTypeMeta(body);
    if (body.metadata?.name && body.metadata.name !== name) {
      throw badRequest(`the name of the object (${body.metadata.name}) does not match the name on the URL (${name})`);
    }
    if (this.res.namespaced && body.metadata?.namespace && body.metadata.namespace !== namespace) {
      throw badRequest("the namespace of the provided object does not match the namespace sent on the request");
    }
    try {
      const { obj } = await this.guaranteedUpdate(namespace, name, opts, () => structuredClone(body));
      return { obj, created: false };
    } catch (err) {
      if (err instanceof StatusError && err.status.code === 404 && this.strategy.allowCreateOnUpdate && opts.subresource === undefined) {
        const obj = await this.create(namespace, { ...body, metadata: { ...body.metadata, name } }, opts);
        return { obj, created: true };
      }
      throw err;
    }
  }

  /** Turns the desired object into what is written: server fields kept, subresource rules applied. */
  private async prepareUpdate(desired: KubeObj, old: KubeObj, opts: WriteOptions): Promise<KubeObj> {
    let next: KubeObj;
    if (opts.subresource === "status") {
      // A status write changes status alone (plus nothing of metadata but what the server keeps).
      next = { ...structuredClone(old), status: desired.status };
      if (opts.applied) next.metadata.managedFields = desired.metadata.managedFields;
    } else {
      next = structuredClone(desired);
      next.metadata ??= {};
      // The main resource cannot write status; other subresources (binding) may.
      if (this.hasStatus && opts.subresource === undefined) {
        if (old.status === undefined) delete next.status;
        else next.status = structuredClone(old.status);
      }
    }
    const meta = next.metadata;
    for (const k of ["uid", "creationTimestamp", "deletionTimestamp", "deletionGracePeriodSeconds", "generation", "name"] as const) {
      if (old.metadata[k] === undefined) delete meta[k];
      else meta[k] = old.metadata[k];
    }
    if (this.res.namespaced) meta.namespace = old.metadata.namespace;
    else delete meta.namespace;
    meta.resourceVersion = old.metadata.resourceVersion;
    next.apiVersion = old.apiVersion;
    next.kind = old.kind;
    if (old.metadata.generation !== undefined && !isDeepStrictEqual(specOf(next), specOf(old))) meta.generation = old.metadata.generation + 1;

    const ctx: StrategyContext = { user: opts.user, namespace: meta.namespace, dryRun: opts.dryRun, subresource: opts.subresource };
    await this.strategy.prepareForUpdate?.(next, old, ctx);
    await this.hooks.admit(this.admission("UPDATE", next, old, opts), "mutate");
    const causes: FieldCause[] = [...validateMeta(meta)];
    if (old.metadata.deletionTimestamp) {
      const added = (meta.finalizers ?? []).filter((f: string) => !(old.metadata.finalizers ?? []).includes(f));
      if (added.length) causes.push({ reason: "FieldValueForbidden", field: "metadata.finalizers", message: `Forbidden: no new finalizers can be added if the object is being deleted, found new finalizers ${JSON.stringify(added)}` });
    }
    causes.push(...((await this.strategy.validateUpdate?.(next, old, ctx)) ?? []));
    if (causes.length) throw invalid({ group: this.res.group, kind: this.res.kind }, meta.name, causes);
    await this.hooks.admit(this.admission("UPDATE", next, old, opts), "validate");
    return next;
  }

  async delete(namespace: string | undefined, name: string, opts: DeleteOptions): Promise<{ obj: KubeObj; deleted: boolean }> {
    const key = this.key(namespace, name);
    for (let attempt = 0; attempt < GUARANTEED_UPDATE_TRIES; attempt++) {
      const kv = await this.storage.get(key);
      if (!kv) throw notFound({ group: this.res.group, resource: this.res.plural }, name);
      const current = this.decode(kv);
      const pre = opts.preconditions;
      if (pre?.uid && pre.uid !== current.metadata.uid) {
        throw conflictStatus(this.res, name, `Precondition failed: UID in precondition: ${pre.uid}, UID in object meta: ${current.metadata.uid}`);
      }
      if (pre?.resourceVersion && pre.resourceVersion !== current.metadata.resourceVersion) {
        throw conflictStatus(this.res, name, `Precondition failed: ResourceVersion in precondition: ${pre.resourceVersion}, ResourceVersion in object meta: ${current.metadata.resourceVersion}`);
      }
      await this.hooks.admit(this.admission("DELETE", undefined, current, opts), "mutate");
      await this.hooks.admit(this.admission("DELETE", undefined, current, opts), "validate");

      const next = structuredClone(current);
      const finalizers: string[] = [...(next.metadata.finalizers ?? [])];
      const policy = opts.propagationPolicy;
      const addFinalizer = (f: string) => !finalizers.includes(f) && finalizers.push(f);
      if (policy === "Orphan") addFinalizer("orphan");
      if (policy === "Foreground") addFinalizer("foregroundDeletion");
      const graceful = this.strategy.gracefulDelete?.(next, { ...(opts.gracePeriodSeconds !== undefined ? { gracePeriodSeconds: opts.gracePeriodSeconds } : {}) });
      if (finalizers.length || graceful) {
        const marked = graceful ?? next;
        marked.metadata.finalizers = finalizers.length ? finalizers : marked.metadata.finalizers;
        if (!marked.metadata.deletionTimestamp) {
          marked.metadata.deletionTimestamp = rfc3339(new Date());
          if (marked.metadata.generation !== undefined) marked.metadata.generation += 1;
        }
        if (marked.metadata.deletionGracePeriodSeconds === undefined) marked.metadata.deletionGracePeriodSeconds = 0;
        if (isDeepStrictEqual(stripVolatile(marked), stripVolatile(current))) return { obj: current, deleted: false };
        if (opts.dryRun) return { obj: marked, deleted: false };
        const res = await this.storage.update(key, this.encode(marked), kv.modRevision);
        if (res.ok) return { obj: this.decode(res.kv), deleted: false };
        continue;
      }
      if (opts.dryRun) return { obj: current, deleted: true };
      const res = await this.storage.delete(key, kv.modRevision);
      if (res.ok) {
        await this.strategy.release?.(current);
        return { obj: this.decode({ ...res.kv, value: kv.value }), deleted: true };
      }
      if (res.reason === "not-found") throw notFound({ group: this.res.group, resource: this.res.plural }, name);
    }
    throw this.conflict(name);
  }

  private readyToDelete(obj: KubeObj): boolean {
    return this.strategy.readyToDelete ? this.strategy.readyToDelete(obj) : !obj.metadata.finalizers?.length;
  }

  private checkTypeMeta(obj: KubeObj): void {
    if (typeof obj !== "object" || obj === null || Array.isArray(obj)) throw badRequest("the request body must be an object");
    if (obj.kind !== undefined && obj.kind !== this.res.kind) {
      throw badRequest(`the API version in the data (${obj.apiVersion}) and kind (${obj.kind}) do not match the resource ${groupResource(this.res)} (${apiVersionOf(this.res)}, ${this.res.kind})`);
    }
    if (obj.apiVersion !== undefined && obj.apiVersion !== apiVersionOf(this.res)) {
      throw badRequest(`the API version in the data (${obj.apiVersion}) does not match the expected API version (${apiVersionOf(this.res)})`);
    }
    if (obj.metadata !== undefined && (typeof obj.metadata !== "object" || obj.metadata === null || Array.isArray(obj.metadata))) {
      throw badRequest("metadata must be an object");
    }
  }

  private conflict(name: string): StatusError {
    return conflict({ group: this.res.group, resource: this.res.plural }, name);
  }

  private admission(operation: AdmissionRequest["operation"], obj: KubeObj | undefined, old: KubeObj | undefined, opts: WriteOptions): AdmissionRequest {
    const meta = obj?.metadata ?? old?.metadata ?? {};
    return {
      operation,
      user: opts.user,
      group: this.res.group,
      version: this.res.version,
      kind: this.res.kind,
      resource: this.res.plural,
      ...(opts.subresource ? { subresource: opts.subresource } : {}),
      ...(meta.namespace ? { namespace: meta.namespace } : {}),
      ...(meta.name ? { name: meta.name } : {}),
      ...(obj ? { object: obj } : {}),
      ...(old ? { oldObject: old } : {}),
      dryRun: opts.dryRun,
      warn: (message) => currentRequestScope()?.warnings.push(message),
      annotate: (key, value) => {
        const scope = currentRequestScope();
        if (scope) scope.auditAnnotations[key] = value;
      },
    };
  }
}

function conflictStatus(res: ServedResource, name: string, message: string): StatusError {
  return conflict({ group: res.group, resource: res.plural }, name, message);
}

/** Everything but metadata and status: what `generation` counts changes of. */
function specOf(o: KubeObj): unknown {
  const { metadata: _m, status: _s, apiVersion: _a, kind: _k, ...rest } = o;
  return rest;
}

function stripVolatile(o: KubeObj): unknown {
  const { resourceVersion: _rv, ...meta } = o.metadata ?? {};
  return { ...o, metadata: meta };
}

function validateMeta(meta: Record<string, any>): FieldCause[] {
  const causes: FieldCause[] = [];
  for (const k of ["labels", "annotations"] as const) {
    const v = meta[k];
    if (v === undefined || v === null) continue;
    if (typeof v !== "object" || Array.isArray(v)) {
      causes.push(fieldInvalid(`metadata.${k}`, v, "must be a map of strings"));
      continue;
    }
    for (const [key, val] of Object.entries(v)) {
      if (typeof val !== "string") causes.push(fieldInvalid(`metadata.${k}.${key}`, val, "must be a string"));
    }
  }
  return causes;
}

export function rfc3339(d: Date): string {
  return d.toISOString().replace(/\.\d{3}Z$/, "Z");
}

interface ContinueToken {
  rv: number;
  start: string;
}

function encodeContinue(t: ContinueToken): string {
  return Buffer.from(JSON.stringify({ v: "meta.k8s.io/v1", rv: t.rv, start: t.start })).toString("base64url");
}

function decodeContinue(s: string): ContinueToken {
  try {
    const t = JSON.parse(Buffer.from(s, "base64url").toString("utf8"));
    if (typeof t.rv !== "number" || typeof t.start !== "string") throw new Error();
    return { rv: t.rv, start: t.start };
  } catch {
    throw badRequest("continue key is not valid: incorrect encoded start resourceVersion (version meta.k8s.io/v1)");
  }
}


