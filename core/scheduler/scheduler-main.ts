import { hostname } from "node:os";
import { randomUUID } from "node:crypto";
import { DeferredTransport, EventSink, KubeClient, LeaderElector, SharedInformerFactory, realClock, transportFor } from "../client/index.js";
import { parseDuration } from "../api/durations.js";
import type { Component, ComponentContext } from "../kernel/component.js";
import { StatusServer } from "../kernel/status-server.js";
import { ApiCluster } from "./api-cluster.js";
import { resolveKubeSchedulerConfiguration, type KubeSchedulerConfigurationV1 } from "./config/kube-scheduler-configuration.js";
import { API_VERSION, KIND } from "./config/kube-scheduler-configuration.js";
import { schedulerServices } from "./component.js";
import { schedulerCredentials } from "./connection.js";
import type { Framework, ProfilePlugins } from "./framework.js";
import { schedulerMetrics, type SchedulerMetrics } from "./metrics.js";
import { Scheduler as Points, type SchedulerPointName } from "./points.js";
import { buildFrameworks } from "./profiles.js";
import { Scheduler } from "./scheduler.js";
import type { SchedulerServices } from "./services.js";
import type { SchedulerSettings } from "./settings.js";

/**
 * The scheduler against an API server: connects, builds one framework per profile, then
 * campaigns for the kube-scheduler Lease and schedules while it leads, each term from fresh
 * informers, queue and cache, as upstream starts them after winning.
 */
export class SchedulerMain implements Component {
  private readonly services: SchedulerServices;
  private readonly transport = new DeferredTransport("the scheduler");
  private readonly client = new KubeClient(this.transport);
  private readonly events: EventSink;
  private readonly metrics: SchedulerMetrics;
  private readonly identity: string;
  private readonly abort = new AbortController();
  private readonly leaderGauge;
  private readonly status: StatusServer;
  private frameworks: Framework[] = [];
  private loop: Promise<void> | undefined;
  private statusUrl = "";
  private connected = false;
  /** The scheduler of the current term, for tests and the banner. */
  current: Scheduler | undefined;

  constructor(private readonly ctx: ComponentContext<SchedulerSettings>) {
    this.services = schedulerServices(ctx);
    this.identity = ctx.settings.identity ?? `${hostname()}_${randomUUID()}`;
    this.events = new EventSink({ client: this.client, reportingController: "default-scheduler", reportingInstance: `default-scheduler-${hostname()}`, logger: ctx.logger });
    this.metrics = schedulerMetrics(ctx.metrics);
    this.leaderGauge = ctx.metrics.gauge({ name: "leader_election_master_status", help: "Whether this instance holds the lease (1) or not (0)", labelNames: ["name"] });
    this.status = new StatusServer(ctx.metrics, () => this.connected);
  }

  private get config(): KubeSchedulerConfigurationV1 {
    return (this.ctx.config[KIND] as KubeSchedulerConfigurationV1 | undefined) ?? { apiVersion: API_VERSION, kind: KIND };
  }

  banner(): string[] {
    const le = this.ctx.settings.leaderElection;
    const lease = le.leaderElect ? `, leader-elected on lease ${le.resourceNamespace}/${le.resourceName}` : "";
    return [
      `scheduler: profiles ${this.frameworks.map((f) => f.profileName).join(", ")}${lease}`,
      ...(this.statusUrl ? [`scheduler metrics: ${this.statusUrl}/metrics`] : []),
    ];
  }

  async start(): Promise<void> {
    const { settings, dataDir, logger } = this.ctx;
    const { profiles, problems } = resolveKubeSchedulerConfiguration(this.config, this.ctx.catalog);
    if (problems.length) throw new Error(`KubeSchedulerConfiguration: ${problems.map((p) => `${p.path.join(".")}: ${p.message}`).join("; ")}`);
    const first = Object.fromEntries((Object.keys(Points) as SchedulerPointName[]).map((p) => [p, this.ctx.entries<unknown>(Points[p].id)])) as unknown as ProfilePlugins;
    this.frameworks = await buildFrameworks({
      profiles,
      first,
      createPlugin: (name, args) => this.ctx.createPlugin(name, args),
      services: this.services,
      metrics: this.metrics,
      ...(this.config.percentageOfNodesToScore !== undefined ? { percentageOfNodesToScore: this.config.percentageOfNodesToScore } : {}),
    });
    const creds = await schedulerCredentials({ ...(settings.kubeconfig ? { kubeconfig: settings.kubeconfig } : {}), dataDir });
    this.transport.connect(transportFor({ ...creds, userAgent: "kube-scheduler/kitbash" }));
    this.connected = true;
    if (settings.port !== undefined) this.statusUrl = await this.status.listen(settings.port, settings.bindAddress);
    logger.info({ server: creds.server, profiles: this.frameworks.map((f) => f.profileName), identity: this.identity }, "scheduler connected");
    const signal = this.abort.signal;
    this.loop = settings.leaderElection.leaderElect ? this.campaign(signal) : this.schedule(signal);
  }

  async stop(): Promise<void> {
    this.abort.abort();
    await this.loop;
    await this.events.stop();
    this.client.close();
    await this.status.close();
  }

  private async campaign(signal: AbortSignal): Promise<void> {
    const le = this.ctx.settings.leaderElection;
    const name = le.resourceName;
    const elector = new LeaderElector({
      client: this.client,
      namespace: le.resourceNamespace,
      name,
      identity: this.identity,
      leaseDurationMs: parseDuration(le.leaseDuration),
      renewDeadlineMs: parseDuration(le.renewDeadline),
      retryPeriodMs: parseDuration(le.retryPeriod),
      clock: realClock,
      logger: this.ctx.logger,
      onStartedLeading: (leading) => {
        this.leaderGauge.set({ name }, 1);
        return this.schedule(leading);
      },
      onStoppedLeading: () => {
        this.leaderGauge.set({ name }, 0);
        if (!signal.aborted) this.ctx.logger.warn({ lease: `${le.resourceNamespace}/${name}` }, "leadership lost; scheduling stopped, campaigning again");
      },
      onNewLeader: (holder) => this.ctx.logger.info({ leader: holder }, "new leader observed"),
    });
    this.leaderGauge.set({ name }, 0);
    while (!signal.aborted) await elector.run(signal);
  }

  /** One term: informers, cache and queue from scratch, scheduling until `signal` aborts. */
  private async schedule(signal: AbortSignal): Promise<void> {
    const informers = new SharedInformerFactory(this.client, { logger: this.ctx.logger });
    const cluster = new ApiCluster(this.client, informers, this.events.recorderFor("default-scheduler"));
    const scheduler = new Scheduler({
      profiles: this.frameworks,
      cluster,
      metrics: this.metrics,
      logger: this.ctx.logger,
      ...(this.config.podInitialBackoffSeconds !== undefined ? { podInitialBackoffSeconds: this.config.podInitialBackoffSeconds } : {}),
      ...(this.config.podMaxBackoffSeconds !== undefined ? { podMaxBackoffSeconds: this.config.podMaxBackoffSeconds } : {}),
    });
    this.services.runtime = { cluster, snapshot: scheduler.snapshot, nominatedPodsForNode: (n) => scheduler.queue.nominatedPodsForNode(n) };
    this.current = scheduler;
    informers.start(signal);
    const synced = cluster.start(scheduler, signal);
    await synced;
    if (!signal.aborted) {
      this.ctx.logger.info({ profiles: this.frameworks.map((f) => f.profileName) }, "scheduler caches synced; scheduling");
      await scheduler.run(signal);
    }
    await informers.stop();
    this.current = undefined;
  }
}
