import type { Logger } from "../kernel/logging.js";
import { silentLogger } from "../kernel/logging.js";
import { type Clock, realClock } from "./clock.js";
import { isNotFound } from "./errors.js";
import type { KubeClient, ResourceClient } from "./rest-client.js";
import { Resources } from "./resources.js";
import { microTime, type KubeObject } from "./types.js";

export interface ObjectReference {
  apiVersion?: string;
  kind?: string;
  namespace?: string;
  name?: string;
  uid?: string;
  resourceVersion?: string;
  fieldPath?: string;
}

export type EventType = "Normal" | "Warning";

export interface EventsV1Event extends KubeObject {
  eventTime: string;
  reportingController: string;
  reportingInstance: string;
  action: string;
  reason: string;
  type: EventType;
  note?: string;
  regarding: ObjectReference;
  related?: ObjectReference;
  series?: { count: number; lastObservedTime: string };
}

/** What controllers call; the handle gives each plugin one named after it. */
export interface EventRecorder {
  /** `action` says what was done (`Create`, `Delete`), `reason` why, `note` is for humans. */
  event(regarding: KubeObject | ObjectReference, type: EventType, reason: string, action: string, note: string, related?: KubeObject | ObjectReference): void;
}

export interface EventRecorderOptions {
  client: KubeClient;
  /** `kube-controller-manager/namespace-controller`-style name of who reports. */
  reportingController: string;
  /** This process: upstream uses `<component>-<hostname>`. */
  reportingInstance: string;
  clock?: Clock;
  logger?: Logger;
  /** Repeats within this window join the first occurrence's series (upstream: 6 minutes). */
  seriesWindowMs?: number;
  /** How often repeats counted since the last write are written to their series (upstream: 30 s). */
  seriesFlushMs?: number;
  /** Events one object may get at once from one reporter before the spam filter drops them (upstream: 25). */
  spamBurst?: number;
  /** How often that allowance grows back by one (upstream: one every 5 minutes). */
  spamRefillMs?: number;
}

/** A token bucket per object: what upstream's EventCorrelator spam filter keeps. */
interface Bucket {
  tokens: number;
  at: number;
}

const MAX_SERIES = 4096;

interface Series {
  event: EventsV1Event;
  firstSeen: number;
  count: number;
  written: number;
}

/**
 * Upstream's events.k8s.io/v1 recorder: the first occurrence of an event is created as a new
 * Event; the same event again (same object, reason, action, type, note, reporter) within the
 * series window is not a new object but a `series` on the first: its count and
 * lastObservedTime. The first repeat is written at once, later ones every flush period.
 * Writes happen in order, off the caller's path; failures are logged, never thrown.
 */
export class EventSink {
  private readonly events: ResourceClient<EventsV1Event>;
  private readonly clock: Clock;
  private readonly logger: Logger;
  private readonly series = new Map<string, Series>();
  private readonly buckets = new Map<string, Bucket>();
  private writes: Promise<void> = Promise.resolve();
  private flushTimer: ReturnType<Clock["setTimeout"]> | undefined;
  private stopped = false;

  constructor(private readonly opts: EventRecorderOptions) {
    this.events = opts.client.resource<EventsV1Event>(Resources.events);
    this.clock = opts.clock ?? realClock;
    this.logger = opts.logger ?? silentLogger();
  }

  /** A recorder reporting as `reportingController`. */
  recorderFor(reportingController: string): EventRecorder {
    return { event: (...args) => this.record(reportingController, ...args) };
  }

  record(controller: string, regarding: KubeObject | ObjectReference, type: EventType, reason: string, action: string, note: string, related?: KubeObject | ObjectReference): void {
    if (this.stopped) return;
    const now = this.clock.now();
    const ref = toReference(regarding);
    const rel = related ? toReference(related) : undefined;
    const key = JSON.stringify([controller, ref.apiVersion, ref.kind, ref.namespace, ref.name, ref.uid, ref.fieldPath, rel?.uid, reason, action, type, note]);
    if (!this.allow(JSON.stringify([controller, ref.kind, ref.namespace, ref.name, ref.uid]), now)) {
      this.logger.debug({ regarding: `${ref.kind} ${ref.namespace ?? ""}/${ref.name}`, reason }, "event dropped by the spam filter");
      return;
    }
    const seen = this.series.get(key);
    if (seen && now - seen.firstSeen < (this.opts.seriesWindowMs ?? 360_000)) {
      seen.count++;
      if (seen.count === 2) this.enqueue(() => this.writeSeries(seen));
      else this.scheduleFlush();
      return;
    }
    const event: EventsV1Event = {
      apiVersion: "events.k8s.io/v1",
      kind: "Event",
      metadata: { name: `${ref.name}.${(BigInt(now) * 1_000_000n + BigInt(Math.floor(Math.random() * 1e6))).toString(16)}`, namespace: ref.namespace || "default" },
      eventTime: microTime(now),
      reportingController: controller,
      reportingInstance: this.opts.reportingInstance,
      action,
      reason,
      type,
      note: note.slice(0, 1024),
      regarding: ref,
      ...(rel ? { related: rel } : {}),
    };
    const entry: Series = { event, firstSeen: now, count: 1, written: 1 };
    this.series.set(key, entry);
    if (this.series.size > MAX_SERIES) this.pruneOld(now);
    this.enqueue(async () => {
      entry.event = await this.events.create(event);
    });
  }

  /** Waits for every write asked for so far, series counts included. */
  async flush(): Promise<void> {
    for (const s of this.series.values()) if (s.count > s.written && s.count > 1) this.enqueue(() => this.writeSeries(s));
    await this.writes;
  }

  async stop(): Promise<void> {
    await this.flush();
    this.stopped = true;
    if (this.flushTimer) this.clock.clearTimeout(this.flushTimer);
  }

  private scheduleFlush(): void {
    if (this.flushTimer) return;
    this.flushTimer = this.clock.setTimeout(() => {
      this.flushTimer = undefined;
      void this.flush();
    }, this.opts.seriesFlushMs ?? 30_000);
  }

  private async writeSeries(s: Series): Promise<void> {
    const count = s.count;
    if (count <= s.written) return;
    const series = { count, lastObservedTime: microTime(this.clock.now()) };
    try {
      s.event = await this.events.inNamespace(s.event.metadata.namespace).patch(s.event.metadata.name!, "merge", { series });
    } catch (err) {
      if (!isNotFound(err)) throw err;
      // Someone deleted the first occurrence: the series starts again as a new Event.
      const { resourceVersion: _rv, uid: _uid, creationTimestamp: _ct, ...meta } = s.event.metadata;
      s.event = await this.events.create({ ...s.event, metadata: meta, series });
    }
    s.written = count;
  }

  private enqueue(write: () => Promise<void>): void {
    this.writes = this.writes.then(write).catch((err) => this.logger.warn({ err: (err as Error).message }, "could not write event"));
  }

  /**
   * Upstream's spam filter: each object gets `spamBurst` events from one reporter, then one
   * more per `spamRefillMs`, so a controller creating 1,000 pods for one ReplicaSet writes a
   * few dozen Events about it, not a thousand.
   */
  private allow(object: string, now: number): boolean {
    const burst = this.opts.spamBurst ?? 25;
    const refill = this.opts.spamRefillMs ?? 300_000;
    const b = this.buckets.get(object) ?? { tokens: burst, at: now };
    b.tokens = Math.min(burst, b.tokens + (now - b.at) / refill);
    b.at = now;
    if (this.buckets.size >= MAX_SERIES && !this.buckets.has(object)) this.buckets.delete(this.buckets.keys().next().value!);
    this.buckets.set(object, b);
    if (b.tokens < 1) return false;
    b.tokens -= 1;
    return true;
  }

  /** Drops series out of their window, then the oldest, keeping the cache bounded as upstream's LRU does. */
  private pruneOld(now: number): void {
    const window = this.opts.seriesWindowMs ?? 360_000;
    for (const [k, s] of this.series) if (now - s.firstSeen >= window && s.count <= s.written) this.series.delete(k);
    for (const k of this.series.keys()) {
      if (this.series.size <= MAX_SERIES) break;
      this.series.delete(k);
    }
  }
}

function toReference(o: KubeObject | ObjectReference): ObjectReference {
  if (!("metadata" in o) || !o.metadata) return o as ObjectReference;
  const obj = o as KubeObject;
  const ref: ObjectReference = {};
  if (obj.apiVersion) ref.apiVersion = obj.apiVersion;
  if (obj.kind) ref.kind = obj.kind;
  if (obj.metadata.namespace) ref.namespace = obj.metadata.namespace;
  if (obj.metadata.name) ref.name = obj.metadata.name;
  if (obj.metadata.uid) ref.uid = obj.metadata.uid;
  if (obj.metadata.resourceVersion) ref.resourceVersion = obj.metadata.resourceVersion;
  return ref;
}
