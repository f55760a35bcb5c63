import type { Logger } from "../kernel/logging.js";
import { silentLogger } from "../kernel/logging.js";
import { type Clock, jitter, realClock, sleep } from "./clock.js";
import { isAlreadyExists, isConflict, isNotFound } from "./errors.js";
import type { KubeClient, ResourceClient } from "./rest-client.js";
import { Resources } from "./resources.js";
import { microTime, type KubeObject } from "./types.js";

export interface LeaseSpec {
  holderIdentity?: string;
  leaseDurationSeconds?: number;
  acquireTime?: string;
  renewTime?: string;
  leaseTransitions?: number;
}

export interface Lease extends KubeObject {
  spec?: LeaseSpec;
}

export interface LeaderElectionOptions {
  client: KubeClient;
  namespace: string;
  name: string;
  /** Unique per candidate; upstream uses `<hostname>_<uuid>`. */
  identity: string;
  /** How long a lease holds without renewal before others may take it. */
  leaseDurationMs?: number;
  /** How long the leader keeps trying to renew before it steps down. */
  renewDeadlineMs?: number;
  /** Pause between attempts to acquire or renew. */
  retryPeriodMs?: number;
  /** Hand the lease back when stopped, so a successor need not wait out the lease. */
  releaseOnCancel?: boolean;
  clock?: Clock;
  logger?: Logger;
  /** Called on winning; `signal` aborts when leadership is lost or the elector stops. */
  onStartedLeading(signal: AbortSignal): void | Promise<void>;
  onStoppedLeading?(): void | Promise<void>;
  onNewLeader?(identity: string): void;
}

/**
 * Upstream's leaderelection.LeaderElector on a coordination.k8s.io/v1 Lease. A candidate takes the
 * lease when it is free or when its holder has not renewed it within the lease duration, judged by
 * this candidate's own clock from when it last saw the lease change (so clock skew between
 * machines does not matter). The leader renews every retry period and steps down when it has not
 * managed to for the renew deadline.
 */
export class LeaderElector {
  private readonly leases: ResourceClient<Lease>;
  private readonly clock: Clock;
  private readonly logger: Logger;
  private readonly leaseMs: number;
  private readonly renewDeadlineMs: number;
  private readonly retryMs: number;
  private observed: { rv: string; spec: LeaseSpec } | undefined;
  private observedAt = 0;
  private leader = "";
  private leading = false;

  constructor(private readonly opts: LeaderElectionOptions) {
    this.leases = opts.client.resource<Lease>(Resources.leases, opts.namespace);
    this.clock = opts.clock ?? realClock;
    this.logger = opts.logger ?? silentLogger();
    this.leaseMs = opts.leaseDurationMs ?? 15_000;
    this.renewDeadlineMs = opts.renewDeadlineMs ?? 10_000;
    this.retryMs = opts.retryPeriodMs ?? 2_000;
    if (this.leaseMs <= this.renewDeadlineMs) throw new Error("leaseDuration must be greater than renewDeadline");
    if (this.renewDeadlineMs <= this.retryMs * 1.2) throw new Error("renewDeadline must be greater than retryPeriod*1.2");
  }

  isLeader(): boolean {
    return this.leading;
  }

  /** The holder last observed. */
  currentLeader(): string {
    return this.leader;
  }

  /** Campaigns, leads until the lease is lost or `signal` aborts, then resolves. Run again to campaign again. */
  async run(signal: AbortSignal): Promise<void> {
    if (!(await this.acquire(signal))) return;
    const leadership = new AbortController();
    const stopLeading = () => leadership.abort();
    signal.addEventListener("abort", stopLeading, { once: true });
    this.leading = true;
    this.logger.info({ lease: `${this.opts.namespace}/${this.opts.name}`, identity: this.opts.identity }, "acquired leadership");
    const work = Promise.resolve()
      .then(() => this.opts.onStartedLeading(leadership.signal))
      .catch((err) => this.logger.error({ err: (err as Error).message }, "leader work failed"));
    await this.renewLoop(leadership.signal);
    leadership.abort();
    signal.removeEventListener("abort", stopLeading);
    this.leading = false;
    await work;
    if (signal.aborted && this.opts.releaseOnCancel !== false) await this.release();
    await this.opts.onStoppedLeading?.();
  }

  private async acquire(signal: AbortSignal): Promise<boolean> {
    while (!signal.aborted) {
      if (await this.tryAcquireOrRenew(signal)) return true;
      await sleep(this.clock, jitter(this.retryMs, 1.2), signal);
    }
    return false;
  }

  /** Renews every retry period; returns when a renewal has failed for the renew deadline or `signal` aborts. */
  private async renewLoop(signal: AbortSignal): Promise<void> {
    let lastRenew = this.clock.now();
    while (!signal.aborted) {
      await sleep(this.clock, this.retryMs, signal);
      if (signal.aborted) return;
      if (await this.tryAcquireOrRenew(signal)) {
        lastRenew = this.clock.now();
      } else if (this.clock.now() - lastRenew >= this.renewDeadlineMs || (this.leader && this.leader !== this.opts.identity)) {
        this.logger.warn({ lease: `${this.opts.namespace}/${this.opts.name}` }, "failed to renew lease; stepping down");
        return;
      }
    }
  }

  private async tryAcquireOrRenew(signal: AbortSignal): Promise<boolean> {
    const now = this.clock.now();
    const callSignal = AbortSignal.any([signal, AbortSignal.timeout(this.renewDeadlineMs)]);
    const mine = (previous?: LeaseSpec): LeaseSpec => ({
      holderIdentity: this.opts.identity,
      leaseDurationSeconds: Math.ceil(this.leaseMs / 1000),
      acquireTime: previous?.holderIdentity === this.opts.identity && previous.acquireTime ? previous.acquireTime : microTime(now),
      renewTime: microTime(now),
      leaseTransitions: previous?.holderIdentity === this.opts.identity ? (previous.leaseTransitions ?? 0) : (previous?.leaseTransitions ?? 0) + (previous ? 1 : 0),
    });
    let lease: Lease;
    try {
      lease = await this.leases.get(this.opts.name, { signal: callSignal });
    } catch (err) {
      if (!isNotFound(err)) {
        this.logger.debug({ err: (err as Error).message }, "cannot read lease");
        return false;
      }
      try {
        const created = await this.leases.create({ apiVersion: "coordination.k8s.io/v1", kind: "Lease", metadata: { name: this.opts.name, namespace: this.opts.namespace }, spec: { ...mine(), leaseTransitions: 0 } });
        this.observe(created);
        return true;
      } catch (createErr) {
        if (!isAlreadyExists(createErr)) this.logger.debug({ err: (createErr as Error).message }, "cannot create lease");
        return false;
      }
    }
    this.observe(lease);
    const spec = lease.spec ?? {};
    const holder = spec.holderIdentity ?? "";
    if (holder && holder !== this.opts.identity && this.observedAt + this.leaseMs > now) return false;
    try {
      const updated = await this.leases.update({ ...lease, spec: mine(spec) });
      this.observe(updated);
      return true;
    } catch (err) {
      if (!isConflict(err)) this.logger.debug({ err: (err as Error).message }, "cannot update lease");
      return false;
    }
  }

  private observe(lease: Lease): void {
    const rv = lease.metadata.resourceVersion ?? "";
    if (this.observed?.rv === rv) return;
    this.observed = { rv, spec: lease.spec ?? {} };
    this.observedAt = this.clock.now();
    const holder = lease.spec?.holderIdentity ?? "";
    if (holder !== this.leader) {
      this.leader = holder;
      if (holder) this.opts.onNewLeader?.(holder);
    }
  }

  /** Hands the lease back (empty holder, 1 s duration), as upstream does with ReleaseOnCancel. */
  private async release(): Promise<void> {
    try {
      const lease = await this.leases.get(this.opts.name, { signal: AbortSignal.timeout(this.renewDeadlineMs) });
      if (lease.spec?.holderIdentity !== this.opts.identity) return;
      const now = microTime(this.clock.now());
      await this.leases.update({ ...lease, spec: { leaseTransitions: lease.spec.leaseTransitions ?? 0, leaseDurationSeconds: 1, acquireTime: now, renewTime: now, holderIdentity: "" } });
    } catch (err) {
      this.logger.warn({ err: (err as Error).message }, "could not release lease");
    }
  }
}
