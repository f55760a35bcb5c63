import type { Pod } from "./api-types.js";
import { podUid } from "./api-types.js";
import type { ClusterEvent } from "./cluster-events.js";
import { Heap } from "./heap.js";
import { PodInfo } from "./node-info.js";
import type { QueuedPodInfo } from "./plugin-api.js";
import type { Status } from "./status.js";

const NONE: readonly PodInfo[] = Object.freeze([]);

/** What the queue asks of the profile a pod belongs to. */
export interface QueueProfile {
  runPreEnqueue(pod: Pod): Status;
  /** Whether the event might help a pod the named plugins rejected. */
  isWorthRequeuing(qpi: QueuedPodInfo, event: ClusterEvent, oldObj: unknown, newObj: unknown): boolean;
}

export interface QueueOptions {
  less(a: QueuedPodInfo, b: QueuedPodInfo): boolean;
  profileFor(pod: Pod): QueueProfile | undefined;
  now?: () => number;
  initialBackoffMs?: number;
  maxBackoffMs?: number;
  /** How long a pod may stay unschedulable before it is retried anyway (upstream: 5 minutes). */
  maxUnschedulableMs?: number;
  onPendingChange?(counts: Record<"active" | "backoff" | "unschedulable" | "gated", number>): void;
}

/**
 * The scheduling queue: an active heap ordered by the QueueSort plugin, a backoff
 * heap ordered by when each pod's back-off (1 s doubling to 10 s by default) ends,
 * and a map of unschedulable (or gated) pods that only the cluster events their
 * rejecting plugins registered can move back, or the 5-minute flush.
 */
export class SchedulingQueue {
  private readonly active: Heap<QueuedPodInfo>;
  private readonly backoff: Heap<QueuedPodInfo>;
  private readonly unschedulable = new Map<string, QueuedPodInfo>();
  /** Pods a PreEnqueue plugin holds back (scheduling gates); only an update of the pod frees them. */
  private readonly gated = new Map<string, QueuedPodInfo>();
  /** Pods popped and not yet done, with the move-request count seen when they left. */
  private readonly inFlight = new Map<string, number>();
  private moveRequests = 0;
  private waiters: ((q: QueuedPodInfo | undefined) => void)[] = [];
  private closed = false;
  private timers: NodeJS.Timeout[] = [];
  private readonly now: () => number;
  private readonly initialBackoffMs: number;
  private readonly maxBackoffMs: number;
  private readonly maxUnschedulableMs: number;
  /** Pods nominated to a node by preemption, by node name. */
  private readonly nominated = new Map<string, Map<string, PodInfo>>();
  private readonly nominatedNodeOf = new Map<string, string>();

  constructor(private readonly opts: QueueOptions) {
    this.now = opts.now ?? Date.now;
    this.initialBackoffMs = opts.initialBackoffMs ?? 1000;
    this.maxBackoffMs = opts.maxBackoffMs ?? 10_000;
    this.maxUnschedulableMs = opts.maxUnschedulableMs ?? 5 * 60_000;
    this.active = new Heap((q) => q.podInfo.uid, opts.less);
    this.backoff = new Heap(
      (q) => q.podInfo.uid,
      (a, b) => this.backoffExpiry(a) < this.backoffExpiry(b),
    );
  }

  /** Starts the flush loops: backoff every second, long-unschedulable pods every 30 s. */
  run(): void {
    this.timers.push(setInterval(() => this.flushBackoffCompleted(), 1000).unref());
    this.timers.push(setInterval(() => this.flushUnschedulableLeftover(), 30_000).unref());
  }

  close(): void {
    this.closed = true;
    for (const t of this.timers) clearInterval(t);
    for (const w of this.waiters.splice(0)) w(undefined);
  }

  /** A new pending pod: gated pods wait in the unschedulable map. */
  add(pod: Pod): void {
    const now = this.now();
    const qpi: QueuedPodInfo = { podInfo: new PodInfo(pod), initialAttemptTimestamp: now, timestamp: now, attempts: 0, unschedulablePlugins: new Set(), pendingPlugins: new Set() };
    this.moveToActiveOrGated(qpi);
    this.addNominated(qpi.podInfo, pod.status?.nominatedNodeName);
    this.changed();
  }

  update(oldPod: Pod, newPod: Pod): void {
    const uid = podUid(newPod);
    const refresh = (q: QueuedPodInfo) => ({ ...q, podInfo: new PodInfo(newPod) });
    for (const heap of [this.active, this.backoff]) {
      const q = heap.get(uid);
      if (q) {
        heap.push(refresh(q));
        this.updateNominated(newPod);
        return;
      }
    }
    const gated = this.gated.get(uid);
    if (gated) {
      this.gated.delete(uid);
      this.updateNominated(newPod);
      this.moveToActiveOrGated(refresh(gated));
      this.changed();
      return;
    }
    const q = this.unschedulable.get(uid);
    if (q) {
      const next = refresh(q);
      this.updateNominated(newPod);
      // A spec or label change may be what the pod waited for (tolerations added, …).
      if (JSON.stringify(oldPod.spec) !== JSON.stringify(newPod.spec) || JSON.stringify(oldPod.metadata.labels) !== JSON.stringify(newPod.metadata.labels)) {
        this.unschedulable.delete(uid);
        if (this.isBackingOff(next)) this.backoff.push(next);
        else this.push(this.active, next);
      } else this.unschedulable.set(uid, next);
      this.changed();
      return;
    }
    if (!this.inFlight.has(uid)) this.add(newPod);
  }

  delete(pod: Pod): void {
    const uid = podUid(pod);
    this.active.delete(uid);
    this.backoff.delete(uid);
    this.unschedulable.delete(uid);
    this.gated.delete(uid);
    this.deleteNominated(uid);
    this.changed();
  }

  /** The next pod to schedule, waiting for one; undefined once the queue is closed. */
  pop(): Promise<QueuedPodInfo | undefined> {
    const q = this.active.pop();
    if (q) return Promise.resolve(this.popped(q));
    if (this.closed) return Promise.resolve(undefined);
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  private popped(q: QueuedPodInfo): QueuedPodInfo {
    q.attempts++;
    this.inFlight.set(q.podInfo.uid, this.moveRequests);
    this.changed();
    return q;
  }

  /** The pod's scheduling attempt is over (bound or requeued). */
  done(uid: string): void {
    this.inFlight.delete(uid);
  }

  /**
   * Requeues a pod that failed its attempt. If an event that could help arrived while it
   * was being scheduled it goes to backoff at once; an Error (no rejecting plugin) also
   * backs off; otherwise it waits for an event. Pending goes back to active without backoff.
   */
  addUnschedulable(q: QueuedPodInfo, pending = false): void {
    const uid = q.podInfo.uid;
    const movedSince = (this.inFlight.get(uid) ?? this.moveRequests) < this.moveRequests;
    this.inFlight.delete(uid);
    q.timestamp = this.now();
    if (pending) this.push(this.active, q);
    else if (movedSince || q.unschedulablePlugins.size === 0) this.backoff.push(q);
    else this.unschedulable.set(uid, q);
    this.changed();
  }

  /** A cluster event: moves every unschedulable pod it could help to backoff or active. */
  onEvent(event: ClusterEvent, oldObj?: unknown, newObj?: unknown): void {
    this.moveRequests++;
    let moved = false;
    for (const [uid, q] of this.unschedulable) {
      const profile = this.opts.profileFor(q.podInfo.pod);
      if (!profile?.isWorthRequeuing(q, event, oldObj, newObj)) continue;
      this.unschedulable.delete(uid);
      if (this.isBackingOff(q)) this.backoff.push(q);
      else this.push(this.active, q);
      moved = true;
    }
    if (moved) this.changed();
  }

  flushBackoffCompleted(): void {
    const now = this.now();
    let moved = false;
    for (let q = this.backoff.peek(); q && this.backoffExpiry(q) <= now; q = this.backoff.peek()) {
      this.backoff.pop();
      this.push(this.active, q);
      moved = true;
    }
    if (moved) this.changed();
  }

  flushUnschedulableLeftover(): void {
    const now = this.now();
    for (const [uid, q] of this.unschedulable) {
      if (now - q.timestamp < this.maxUnschedulableMs) continue;
      this.unschedulable.delete(uid);
      if (this.isBackingOff(q)) this.backoff.push(q);
      else this.push(this.active, q);
    }
    this.changed();
  }

  backoffDurationMs(q: QueuedPodInfo): number {
    let d = this.initialBackoffMs;
    for (let i = 1; i < q.attempts && d < this.maxBackoffMs; i++) d *= 2;
    return Math.min(d, this.maxBackoffMs);
  }

  counts(): Record<"active" | "backoff" | "unschedulable" | "gated", number> {
    return { active: this.active.size, backoff: this.backoff.size, unschedulable: this.unschedulable.size, gated: this.gated.size };
  }

  /** Where a pod waits now, for tests and `kitbash scheduler` diagnostics. */
  whereIs(uid: string): "active" | "backoff" | "unschedulable" | "gated" | "inFlight" | undefined {
    if (this.active.has(uid)) return "active";
    if (this.backoff.has(uid)) return "backoff";
    if (this.gated.has(uid)) return "gated";
    if (this.unschedulable.has(uid)) return "unschedulable";
    return this.inFlight.has(uid) ? "inFlight" : undefined;
  }

  // Nominator: pods that preemption promised a node, so others do not take the room.

  addNominated(pi: PodInfo, nodeName: string | undefined): void {
    this.deleteNominated(pi.uid);
    if (!nodeName) return;
    let m = this.nominated.get(nodeName);
    if (!m) this.nominated.set(nodeName, (m = new Map()));
    m.set(pi.uid, pi);
    this.nominatedNodeOf.set(pi.uid, nodeName);
  }

  deleteNominated(uid: string): void {
    const node = this.nominatedNodeOf.get(uid);
    if (!node) return;
    this.nominatedNodeOf.delete(uid);
    this.nominated.get(node)?.delete(uid);
  }

  nominatedPodsForNode(nodeName: string): readonly PodInfo[] {
    const m = this.nominated.get(nodeName);
    return m?.size ? [...m.values()] : NONE;
  }

  private updateNominated(pod: Pod): void {
    const uid = podUid(pod);
    const node = pod.status?.nominatedNodeName ?? this.nominatedNodeOf.get(uid);
    this.addNominated(new PodInfo(pod), node);
  }

  private moveToActiveOrGated(q: QueuedPodInfo): void {
    const profile = this.opts.profileFor(q.podInfo.pod);
    const s = profile?.runPreEnqueue(q.podInfo.pod);
    if (s && !s.isSuccess()) {
      q.gatedBy = s.plugin ?? "PreEnqueue";
      this.gated.set(q.podInfo.uid, q);
      return;
    }
    delete q.gatedBy;
    this.push(this.active, q);
  }

  private push(heap: Heap<QueuedPodInfo>, q: QueuedPodInfo): void {
    if (heap !== this.active) {
      heap.push(q);
      return;
    }
    const w = this.waiters.shift();
    if (w) w(this.popped(q));
    else heap.push(q);
  }

  private backoffExpiry(q: QueuedPodInfo): number {
    return q.timestamp + this.backoffDurationMs(q);
  }

  private isBackingOff(q: QueuedPodInfo): boolean {
    return this.backoffExpiry(q) > this.now();
  }

  private changed(): void {
    this.opts.onPendingChange?.(this.counts());
  }
}
