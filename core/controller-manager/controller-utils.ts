import type { KubeObject, OwnerReference } from "../client/index.js";

/**
 * Small facts every workload controller asks of pods and owners, as upstream's
 * pkg/controller/controller_utils.go and pkg/api/v1/pod hold them.
 */
export interface PodLike extends KubeObject {
  spec?: { nodeName?: string; [k: string]: unknown };
  status?: { phase?: string; conditions?: { type: string; status: string; lastTransitionTime?: string }[]; [k: string]: unknown };
}

/** The ownerReference with `controller: true`, if any. */
export function controllerRefOf(obj: KubeObject): OwnerReference | undefined {
  return obj.metadata.ownerReferences?.find((o) => o.controller);
}

/** The ownerReference a controller puts on what it makes: controller, blocking foreground deletion of the owner. */
export function controllerRefTo(owner: KubeObject, apiVersion: string, kind: string): OwnerReference {
  return { apiVersion, kind, name: owner.metadata.name!, uid: owner.metadata.uid!, controller: true, blockOwnerDeletion: true };
}

export function isPodTerminal(pod: PodLike): boolean {
  return pod.status?.phase === "Succeeded" || pod.status?.phase === "Failed";
}

/** Neither finished nor being deleted: upstream's IsPodActive. */
export function isPodActive(pod: PodLike): boolean {
  return !isPodTerminal(pod) && !pod.metadata.deletionTimestamp;
}

export function isPodReady(pod: PodLike): boolean {
  return pod.status?.conditions?.some((c) => c.type === "Ready" && c.status === "True") ?? false;
}

/** When the pod last became Ready, in ms, if it is Ready. */
export function podReadySince(pod: PodLike): number | undefined {
  const c = pod.status?.conditions?.find((x) => x.type === "Ready" && x.status === "True");
  return c ? Date.parse(c.lastTransitionTime ?? pod.metadata.creationTimestamp ?? "") || 0 : undefined;
}

/** Ready for at least `minReadySeconds` at `now`: upstream's IsPodAvailable. */
export function isPodAvailable(pod: PodLike, minReadySeconds: number, now: number): boolean {
  const since = podReadySince(pod);
  if (since === undefined) return false;
  return minReadySeconds <= 0 || since + minReadySeconds * 1000 <= now;
}

/** RFC 3339 at second precision, as metav1.Time serialises. */
export function timeString(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d+Z$/, "Z");
}

/** `namespace/name` of an object, the work queues' key. */
export function keyOf(obj: KubeObject): string {
  return `${obj.metadata.namespace ?? ""}/${obj.metadata.name}`;
}

export interface Condition {
  type: string;
  status: string;
  reason?: string;
  message?: string;
  lastTransitionTime?: string;
  lastProbeTime?: string;
  observedGeneration?: number;
}

/**
 * Sets `cond` in `conds`, keeping lastTransitionTime when the status did not change. Answers
 * whether anything changed.
 */
export function setCondition(conds: Condition[], cond: Condition): boolean {
  const i = conds.findIndex((c) => c.type === cond.type);
  const old = conds[i];
  if (old && old.status === cond.status && old.reason === cond.reason && old.message === cond.message) return false;
  const next = { ...cond, ...(old && old.status === cond.status && old.lastTransitionTime ? { lastTransitionTime: old.lastTransitionTime } : {}) };
  if (i >= 0) conds[i] = next;
  else conds.push(next);
  return true;
}

/** A percentage (`"25%"`) or integer of `total`, rounded up or down as upstream's GetScaledValueFromIntOrPercent. */
export function scaledValue(v: number | string | undefined, total: number, roundUp: boolean, dflt = 0): number {
  if (v === undefined || v === null) return dflt;
  if (typeof v === "number") return v;
  const m = /^(\d+)%$/.exec(v);
  if (!m) {
    if (/^\d+$/.test(v)) return Number(v);
    throw new Error(`invalid value for IntOrString: "${v}" is not an integer or a percentage`);
  }
  const x = (Number(m[1]) * total) / 100;
  return roundUp ? Math.ceil(x) : Math.floor(x);
}

/**
 * Upstream's ControllerExpectations: how many creates and deletes a controller still waits to
 * see in its informer for a key, so that a sync racing its own writes never acts twice. Stale
 * expectations (5 minutes) count as met, as upstream's TTL.
 */
export class Expectations {
  private readonly pending = new Map<string, { adds: number; dels: number; at: number }>();

  constructor(private readonly now: () => number) {}

  expect(key: string, adds: number, dels: number): void {
    this.pending.set(key, { adds, dels, at: this.now() });
  }

  observed(key: string, what: "adds" | "dels"): void {
    const e = this.pending.get(key);
    if (e) e[what] = Math.max(0, e[what] - 1);
  }

  satisfied(key: string): boolean {
    const e = this.pending.get(key);
    return !e || (e.adds <= 0 && e.dels <= 0) || this.now() - e.at > 5 * 60_000;
  }

  forget(key: string): void {
    this.pending.delete(key);
  }
}

/** JSON with keys sorted, so that equal objects compare equal whatever order the server kept. */
export function canonicalJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonicalJson).join(",")}]`;
  if (v && typeof v === "object") {
    return `{${Object.keys(v)
      .sort()
      .filter((k) => (v as Record<string, unknown>)[k] !== undefined)
      .map((k) => `${JSON.stringify(k)}:${canonicalJson((v as Record<string, unknown>)[k])}`)
      .join(",")}}`;
  }
  return JSON.stringify(v);
}

function dropEmpty(v: unknown): unknown {
  if (Array.isArray(v)) return v.length ? v.map(dropEmpty) : undefined;
  if (v && typeof v === "object") {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) {
      const d = dropEmpty(x);
      if (d !== undefined) out[k] = d;
    }
    return Object.keys(out).length ? out : undefined;
  }
  return v === 0 || v === "" || v === false || v === null ? undefined : v;
}

/**
 * Whether two statuses say the same once the API server's `omitempty` has had its way: zeros,
 * empty strings, lists and objects count as absent. A controller that compared raw JSON would
 * write a status the server trims forever.
 */
export function sameStatus(a: unknown, b: unknown): boolean {
  return canonicalJson(dropEmpty(a)) === canonicalJson(dropEmpty(b));
}
