import { KeyedHeap } from "./heap.js";
import type { ClusterEvent, PreEnqueuePlugin } from "./points.js";
import { newQueuedPodInfo, type QueuedPodInfo } from "./queued-pod.js";
import { podKey, type Pod } from "./types.js";

export interface QueueOptions {
  less(a: QueuedPodInfo, b: QueuedPodInfo): boolean;
  preEnqueue?: readonly { name: string; instance: PreEnqueuePlugin }[];
  /** Which events each plugin registered; a pod rejected by a plugin returns only on those. */
  eventsByPlugin?: ReadonlyMap<string, readonly ClusterEvent[]>;
  initialBackoffMs?: number;
  maxBackoffMs?: number;
  /** Unschedulable pods are retried after this long even with no event (upstream: 5 min). */
  maxUnschedulableMs?: number;
  now?: () => number;
}

export type QueueName = "active" | "backoff" | "unschedulable" | "gated";

/**
 * Upstream's PriorityQueue: activeQ ordered by the QueueSort plugin, backoffQ
 * ordered by back-off expiry (1 s doubling to 10 s per attempt), and an
 * unschedulable pool that cluster events or the 5-minute flush drain.
 */
export class SchedulingQueue {
  private readonly active: KeyedHeap<QueuedPodInfo>;
  private readonly backoff: KeyedHeap<QueuedPodInfo>;
  private readonly unschedulable = new Map<string, QueuedPodInfo & { since: number }>();
  private readonly gated = new Map<string, QueuedPodInfo>();
  private readonly waiters: ((p: QueuedPodInfo | undefined) => void)[] = [];
  private readonly now: () => number;
  private readonly initialBackoff: number;
  private readonly maxBackoff: number;
  private readonly maxUnschedulable: number;
  /** Counts scheduling cycles and the last cycle in which a move happened (upstream's moveRequestCycle). */
  private cycle = 0;
  private moveRequestCycle = -1;
  private closed = false;

  constructor(private readonly opts: QueueOptions) {
    this.now = opts.now ?? Date.now;
    this.initialBackoff = opts.initialBackoffMs ?? 1_000;
    this.maxBackoff = opts.maxBackoffMs ?? 10_000;
    this.maxUnschedulable = opts.maxUnschedulableMs ?? 5 * 60_000;
    this.active = new KeyedHeap((p) => p.key, opts.less);
    this.backoff = new KeyedHeap((p) => p.key, (a, b) => this.backoffExpiry(a) < this.backoffExpiry(b));
  }

  /** A new pending pod from the informer. */
  add(pod: Pod): void {
    const info = newQueuedPodInfo(pod, this.now());
    this.toActiveOrGated(info);
  }

  /** Waits for the next pod; undefined once the queue is closed. */
  pop(): Promise<QueuedPodInfo | undefined> {
    const head = this.active.pop();
    if (head) return Promise.resolve(this.popped(head));
    if (this.closed) return Promise.resolve(undefined);
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  private popped(info: QueuedPodInfo): QueuedPodInfo {
    info.attempts++;
    this.cycle++;
    return info;
  }

  /** The cycle number of the latest pop, to pass back to addUnschedulable. */
  schedulingCycle(): number {
    return this.cycle;
  }

  /**
   * A pod that failed its cycle. If a cluster event arrived while it was being
   * scheduled, it goes to backoff at once rather than waiting for another event.
   */
  addUnschedulable(info: QueuedPodInfo, podCycle: number, opts: { error?: boolean } = {}): void {
    info.timestamp = this.now();
    if (opts.error || this.moveRequestCycle >= podCycle) {
      this.backoff.push(info);
      return;
    }
    this.unschedulable.set(info.key, { ...info, since: this.now() });
  }

  /** A Pending status: straight back to activeQ without back-off. */
  requeueWithoutBackoff(info: QueuedPodInfo): void {
    info.timestamp = this.now();
    this.pushActive(info);
  }

  update(pod: Pod): void {
    const key = podKey(pod);
    for (const heap of [this.active, this.backoff]) {
      const existing = heap.get(key);
      if (existing) {
        existing.pod = pod;
        heap.push(existing);
        return;
      }
    }
    const parked = this.unschedulable.get(key) ?? this.gated.get(key);
    if (parked) {
      this.unschedulable.delete(key);
      this.gated.delete(key);
      parked.pod = pod;
      // An update to the pod itself may be what it was waiting for (e.g. a removed gate, relaxed affinity).
      this.toActiveOrGated(parked);
      return;
    }
    this.add(pod);
  }

  delete(pod: Pod): void {
    const key = podKey(pod);
    this.active.delete(key);
    this.backoff.delete(key);
    this.unschedulable.delete(key);
    this.gated.delete(key);
  }

  /** Moves parked pods that a plugin said this event could help. */
  moveOnEvent(event: ClusterEvent): void {
    for (const [key, info] of this.unschedulable) {
      if (!this.eventHelps(info, event)) continue;
      this.unschedulable.delete(key);
      this.backoffOrActive(info);
    }
    this.moveRequestCycle = this.cycle;
  }

  /** Called periodically: expired back-offs to activeQ, long-parked pods back into play. */
  flush(): void {
    const now = this.now();
    for (let head = this.backoff.peek(); head && this.backoffExpiry(head) <= now; head = this.backoff.peek()) {
      this.pushActive(this.backoff.pop()!);
    }
    for (const [key, info] of this.unschedulable) {
      if (now - info.since < this.maxUnschedulable) continue;
      this.unschedulable.delete(key);
      this.backoffOrActive(info);
    }
  }

  /** Counts per queue, for `scheduler_pending_pods{queue}`. */
  pending(): Record<QueueName, number> {
    return { active: this.active.size, backoff: this.backoff.size, unschedulable: this.unschedulable.size, gated: this.gated.size };
  }

  has(key: string): boolean {
    return this.active.has(key) || this.backoff.has(key) || this.unschedulable.has(key) || this.gated.has(key);
  }

  close(): void {
    this.closed = true;
    for (const w of this.waiters.splice(0)) w(undefined);
  }

  backoffDuration(info: QueuedPodInfo): number {
    let d = this.initialBackoff;
    for (let i = 1; i < info.attempts && d < this.maxBackoff; i++) d *= 2;
    return Math.min(d, this.maxBackoff);
  }

  private backoffExpiry(info: QueuedPodInfo): number {
    return info.timestamp + this.backoffDuration(info);
  }

  private eventHelps(info: QueuedPodInfo, event: ClusterEvent): boolean {
    // A pod rejected for no plugin's reason (an error) is retried on any event.
    if (info.unschedulablePlugins.size === 0) return true;
    for (const plugin of info.unschedulablePlugins) {
      const events = this.opts.eventsByPlugin?.get(plugin);
      // A plugin that registered nothing is conservatively assumed to care about everything.
      if (!events) return true;
      if (events.some((e) => (e.resource === "*" || e.resource === event.resource) && (e.action === "*" || e.action === event.action))) return true;
    }
    return false;
  }

  private backoffOrActive(info: QueuedPodInfo): void {
    if (this.backoffExpiry(info) > this.now()) this.backoff.push(info);
    else this.pushActive(info);
  }

  private toActiveOrGated(info: QueuedPodInfo): void {
    for (const p of this.opts.preEnqueue ?? []) {
      const s = p.instance.preEnqueue(info.pod);
      if (s && !s.isSuccess()) {
        info.gatedBy = p.name;
        this.gated.set(info.key, info);
        return;
      }
    }
    info.gatedBy = undefined;
    this.pushActive(info);
  }

  private pushActive(info: QueuedPodInfo): void {
    const waiter = this.waiters.shift();
    if (waiter) waiter(this.popped(info));
    else this.active.push(info);
  }
}
