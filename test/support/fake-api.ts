import { randomUUID } from "node:crypto";
import { applyJsonPatch } from "../../core/api/json-patch.js";
import { parseLabelSelector } from "../../core/api/labels.js";
import { applyMergePatch } from "../../core/api/merge-patch.js";
import type { KubeObject, ResourceRef } from "../../core/client/index.js";
import type { Transport, TransportRequest, TransportResponse, TransportStream } from "../../core/client/transport.js";

interface Target {
  group: string;
  version: string;
  resource: string;
  namespace?: string;
  name?: string;
  subresource?: string;
}

interface StoredEvent {
  rv: number;
  type: "ADDED" | "MODIFIED" | "DELETED";
  target: Target;
  object: KubeObject;
}

/**
 * An in-memory API server behind the client's Transport, for controller unit tests without a
 * process: CRUD on any resource path, label selectors, resourceVersion conflicts, `status`
 * and namespace `finalize` subresources, merge and JSON patches (a strategic patch is applied as a
 * merge patch), finalizers with deletionTimestamp (a namespace's `spec.finalizers` too),
 * propagation finalizers, discovery of the resources it is given, and watches replayed from a
 * resourceVersion. It knows no kinds: no defaulting, validation or cluster-scoped checks.
 * `requests` records every call as `METHOD path` for assertions.
 */
export class FakeApi implements Transport {
  readonly requests: string[] = [];
  private readonly objects = new Map<string, KubeObject>();
  private readonly events: StoredEvent[] = [];
  private readonly watchers = new Set<(e: StoredEvent) => void>();
  private rv = 1;

  /**
   * `resources` are what discovery (`/api`, `/apis`, one document per group-version) lists, with
   * every verb; objects of other resources are stored all the same.
   */
  constructor(
    private readonly resources: readonly ResourceRef[] = [],
    private readonly now: () => number = Date.now,
  ) {}

  /** Puts objects in directly (resource path without name, e.g. `/api/v1/namespaces/d/pods`). */
  seed(path: string, ...objects: KubeObject[]): KubeObject[] {
    const t = parsePath(path);
    return objects.map((o) => this.create(t, structuredClone(o)));
  }

  /** The stored object, or undefined. */
  peek(path: string): KubeObject | undefined {
    return this.objects.get(keyOf(parsePath(path)));
  }

  list(path: string): KubeObject[] {
    const t = parsePath(path);
    return [...this.objects.entries()].filter(([k]) => matchesKey(k, t)).map(([, o]) => o);
  }

  async request(req: TransportRequest): Promise<TransportResponse> {
    const url = new URL(req.path, "https://fake");
    this.requests.push(`${req.method} ${url.pathname}`);
    const discovery = req.method === "GET" ? this.discovery(url.pathname) : undefined;
    if (discovery) return ok(discovery);
    const t = parsePath(url.pathname);
    const body = req.body !== undefined ? JSON.parse(String(req.body)) : undefined;
    try {
      return ok(this.handle(req.method, t, url.searchParams, body, req.headers["Content-Type"] ?? ""));
    } catch (err) {
      if (err instanceof Error && err.name === "JsonPatchError") err = new Failure(422, "Invalid", err.message);
      if (err instanceof Failure) return { status: err.code, headers: {}, body: Buffer.from(JSON.stringify({ kind: "Status", apiVersion: "v1", status: "Failure", code: err.code, reason: err.reason, message: err.message })) };
      throw err;
    }
  }

  async stream(req: TransportRequest): Promise<TransportStream> {
    const url = new URL(req.path, "https://fake");
    this.requests.push(`WATCH ${url.pathname}`);
    const t = parsePath(url.pathname);
    const from = Number(url.searchParams.get("resourceVersion") || this.rv);
    const selector = parseLabelSelector(url.searchParams.get("labelSelector") ?? "");
    const pending: Buffer[] = [];
    let wake: (() => void) | undefined;
    const push = (e: StoredEvent) => {
      if (e.rv <= from || !sameResource(e.target, t) || (t.namespace && e.target.namespace !== t.namespace) || !selector.matches(e.object.metadata.labels ?? {})) return;
      pending.push(Buffer.from(JSON.stringify({ type: e.type, object: e.object }) + "\n"));
      wake?.();
    };
    for (const e of this.events) push(e);
    this.watchers.add(push);
    const signal = req.signal;
    const watchers = this.watchers;
    async function* body() {
      try {
        while (!signal?.aborted) {
          while (pending.length) yield pending.shift()!;
          await new Promise<void>((resolve) => {
            wake = resolve;
            signal?.addEventListener("abort", () => resolve(), { once: true });
          });
        }
      } finally {
        watchers.delete(push);
      }
    }
    return { status: 200, headers: {}, body: body() };
  }

  close(): void {}

  private discovery(path: string): unknown {
    const verbs = ["create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"];
    const gv = (r: ResourceRef) => (r.group ? `${r.group}/${r.version}` : r.version);
    if (path === "/api") return { kind: "APIVersions", versions: ["v1"] };
    if (path === "/apis") {
      const groups = [...new Set(this.resources.filter((r) => r.group).map(gv))].map((v) => ({ name: v.split("/")[0], versions: [{ groupVersion: v, version: v.split("/")[1] }], preferredVersion: { groupVersion: v, version: v.split("/")[1] } }));
      return { kind: "APIGroupList", groups };
    }
    const m = /^\/(?:api\/(v1)|apis\/([^/]+\/[^/]+))$/.exec(path);
    if (!m) return undefined;
    const groupVersion = m[1] ?? m[2]!;
    const resources = this.resources.filter((r) => gv(r) === groupVersion).map((r) => ({ name: r.resource, kind: r.kind, namespaced: r.namespaced, verbs }));
    return { kind: "APIResourceList", groupVersion, resources };
  }

  private handle(method: string, t: Target, q: URLSearchParams, body: any, contentType: string): unknown {
    if (method === "GET" && !t.name) {
      const selector = parseLabelSelector(q.get("labelSelector") ?? "");
      const items = [...this.objects.entries()].filter(([k, o]) => matchesKey(k, t) && selector.matches(o.metadata.labels ?? {})).map(([, o]) => o);
      return { kind: "List", apiVersion: "v1", metadata: { resourceVersion: String(this.rv) }, items };
    }
    if (method === "POST") return this.create(t, body);
    if (method === "DELETE" && !t.name) throw new Failure(405, "MethodNotAllowed", "deletecollection is not served here");
    const current = this.objects.get(keyOf(t));
    if (!current) throw new Failure(404, "NotFound", `${t.resource} "${t.name}" not found`);
    if (method === "GET") return current;
    if (method === "DELETE") return this.delete(t, current, body ?? {});
    let next: KubeObject;
    if (method === "PUT") next = body;
    else if (method === "PATCH") next = (contentType.includes("json-patch") ? applyJsonPatch(structuredClone(current) as never, body) : applyMergePatch(structuredClone(current), body)) as KubeObject;
    else throw new Failure(405, "MethodNotAllowed", method);
    if (method === "PUT" && next.metadata.resourceVersion && next.metadata.resourceVersion !== current.metadata.resourceVersion) {
      throw new Failure(409, "Conflict", `Operation cannot be fulfilled on ${t.resource} "${t.name}": the object has been modified; please apply your changes to the latest version and try again`);
    }
    if (t.subresource === "status") next = { ...current, status: next.status };
    else if (t.subresource === "finalize") next = { ...current, spec: { ...(current.spec as object), finalizers: (next.spec as { finalizers?: string[] } | undefined)?.finalizers ?? [] } };
    else next = { ...next, ...(current.status !== undefined ? { status: current.status } : {}) };
    next.metadata = { ...next.metadata, uid: current.metadata.uid, creationTimestamp: current.metadata.creationTimestamp, ...(current.metadata.deletionTimestamp ? { deletionTimestamp: current.metadata.deletionTimestamp } : {}) };
    return this.write(t, next, "MODIFIED");
  }

  private create(t: Target, obj: KubeObject): KubeObject {
    const meta = obj.metadata ?? {};
    const name = meta.name || (meta.generateName ? meta.generateName + Math.random().toString(36).slice(2, 7) : "");
    if (!name) throw new Failure(422, "Invalid", "metadata.name: Required value");
    const target = { ...t, name };
    if (this.objects.has(keyOf(target))) throw new Failure(409, "AlreadyExists", `${t.resource} "${name}" already exists`);
    const stored: KubeObject = { ...obj, metadata: { ...meta, name, ...(t.namespace ? { namespace: t.namespace } : {}), uid: randomUUID(), creationTimestamp: new Date(this.now()).toISOString().replace(/\.\d+Z$/, "Z") } };
    return this.write(target, stored, "ADDED");
  }

  private delete(t: Target, current: KubeObject, opts: { propagationPolicy?: string; preconditions?: { uid?: string } }): unknown {
    if (opts.preconditions?.uid && opts.preconditions.uid !== current.metadata.uid) throw new Failure(409, "Conflict", "Precondition failed: UID");
    const finalizers = [...(current.metadata.finalizers ?? [])];
    if (opts.propagationPolicy === "Foreground" && !finalizers.includes("foregroundDeletion")) finalizers.push("foregroundDeletion");
    if (opts.propagationPolicy === "Orphan" && !finalizers.includes("orphan")) finalizers.push("orphan");
    if (finalizers.length || namespaceFinalizers(t, current).length) {
      const marked = { ...current, metadata: { ...current.metadata, finalizers, deletionTimestamp: current.metadata.deletionTimestamp ?? new Date(this.now()).toISOString().replace(/\.\d+Z$/, "Z") } };
      return this.write(t, marked, "MODIFIED");
    }
    this.objects.delete(keyOf(t));
    this.emit("DELETED", t, { ...current, metadata: { ...current.metadata, resourceVersion: String(++this.rv) } });
    return { kind: "Status", apiVersion: "v1", status: "Success", details: { name: t.name } };
  }

  private write(t: Target, obj: KubeObject, type: "ADDED" | "MODIFIED"): KubeObject {
    // The last finalizer leaving an object being deleted deletes it, as the API server does.
    if (type === "MODIFIED" && obj.metadata.deletionTimestamp && !obj.metadata.finalizers?.length && !namespaceFinalizers(t, obj).length) return this.delete(t, obj, {}) as KubeObject;
    const stored = { ...obj, metadata: { ...obj.metadata, resourceVersion: String(++this.rv) } };
    this.objects.set(keyOf(t), stored);
    this.emit(type, t, stored);
    return stored;
  }

  private emit(type: StoredEvent["type"], target: Target, object: KubeObject): void {
    const e = { rv: this.rv, type, target, object: structuredClone(object) };
    this.events.push(e);
    for (const w of this.watchers) w(e);
  }
}

class Failure extends Error {
  constructor(
    readonly code: number,
    readonly reason: string,
    message: string,
  ) {
    super(message);
  }
}

function ok(body: unknown): TransportResponse {
  return { status: 200, headers: {}, body: Buffer.from(JSON.stringify(body)) };
}

function parsePath(path: string): Target {
  const segs = path.split("/").filter(Boolean);
  let group = "";
  let version: string;
  let rest: string[];
  if (segs[0] === "api") {
    version = segs[1]!;
    rest = segs.slice(2);
  } else {
    group = segs[1]!;
    version = segs[2]!;
    rest = segs.slice(3);
  }
  let namespace: string | undefined;
  // `namespaces/<ns>/<resource>…` unless it is a namespace's own subresource (`namespaces/<ns>/status`).
  if (rest[0] === "namespaces" && rest.length >= 3 && !(rest.length === 3 && ["status", "finalize"].includes(rest[2]!))) {
    namespace = rest[1];
    rest = rest.slice(2);
  }
  const [resource, name, subresource] = rest as [string, string?, string?];
  return { group, version, resource, ...(namespace ? { namespace } : {}), ...(name ? { name } : {}), ...(subresource ? { subresource } : {}) };
}

/** A namespace is also held by `spec.finalizers` (`kubernetes`), which only `/finalize` changes. */
const namespaceFinalizers = (t: Target, obj: KubeObject): string[] => (t.resource === "namespaces" && !t.group ? ((obj.spec as { finalizers?: string[] } | undefined)?.finalizers ?? []) : []);

const keyOf = (t: Target) => `${t.group}/${t.resource}/${t.namespace ?? ""}/${t.name}`;
const sameResource = (a: Target, b: Target) => a.group === b.group && a.resource === b.resource;
const matchesKey = (key: string, t: Target) => key.startsWith(`${t.group}/${t.resource}/${t.namespace !== undefined ? `${t.namespace}/` : ""}`);
