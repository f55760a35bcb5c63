import { LeaderElector, transportFor } from "../client/index.js";
import type { Component, ComponentContext } from "../kernel/component.js";
import type { PluginEntry } from "../kernel/extension-point.js";
import type { Controller } from "./controller.js";
import { controllerManagerCredentials } from "./connection.js";
import { selectControllers } from "./controller-selection.js";
import { parseDuration } from "../api/durations.js";
import { ControllerManager } from "./points.js";
import type { ControllerManagerSettings } from "./settings.js";
import { sharedServices, type SharedServices } from "./shared-services.js";
import { StatusServer } from "../kernel/status-server.js";

/**
 * The controller manager: connects, then campaigns for the kube-controller-manager Lease and runs
 * the selected controllers for as long as it leads. Upstream exits when it loses the lease; here
 * the controllers stop, their informers with them, and the instance campaigns again, because in
 * `kitbash up` the process also holds the API server.
 */
export class ControllerManagerMain implements Component {
  private readonly services: SharedServices;
  private readonly selected: PluginEntry<Controller>[];
  private readonly abort = new AbortController();
  private loop: Promise<void> | undefined;
  private readonly leaderGauge;
  private readonly status: StatusServer;
  private statusUrl = "";
  private connected = false;

  constructor(private readonly ctx: ComponentContext<ControllerManagerSettings>) {
    this.services = sharedServices(ctx);
    this.selected = selectControllers(ctx.entries(ControllerManager.controllers), ctx.settings.controllers);
    this.leaderGauge = ctx.metrics.gauge({ name: "leader_election_master_status", help: "Whether this instance holds the lease (1) or not (0)", labelNames: ["name"] });
    this.status = new StatusServer(ctx.metrics, () => this.connected);
  }

  /** The controllers this instance runs when it leads. */
  controllers(): string[] {
    return this.selected.map((e) => e.name);
  }

  banner(): string[] {
    const le = this.ctx.settings.leaderElection;
    const lease = le.leaderElect ? `, leader-elected on lease ${le.resourceNamespace}/${le.resourceName}` : "";
    return [
      `controller manager: ${this.controllers().join(", ") || "no controllers"}${lease}`,
      ...(this.statusUrl ? [`controller manager metrics: ${this.statusUrl}/metrics`] : []),
    ];
  }

  async start(): Promise<void> {
    const { settings, dataDir, logger } = this.ctx;
    const config = await controllerManagerCredentials({ ...(settings.kubeconfig ? { kubeconfig: settings.kubeconfig } : {}), dataDir });
    this.services.transport.connect(transportFor({ ...config, userAgent: "kube-controller-manager/kitbash" }));
    this.connected = true;
    if (settings.port !== undefined) this.statusUrl = await this.status.listen(settings.port, settings.bindAddress);
    logger.info({ server: config.server, controllers: this.controllers(), identity: this.services.identity }, "controller manager connected");
    const signal = this.abort.signal;
    this.loop = settings.leaderElection.leaderElect ? this.campaign(signal) : this.runControllers(signal);
  }

  async stop(): Promise<void> {
    this.abort.abort();
    await this.loop;
    await this.services.events.stop();
    this.services.client.close();
    await this.status.close();
  }

  private async campaign(signal: AbortSignal): Promise<void> {
    const le = this.ctx.settings.leaderElection;
    const name = le.resourceName;
    const elector = new LeaderElector({
      client: this.services.client,
      namespace: le.resourceNamespace,
      name,
      identity: this.services.identity,
      leaseDurationMs: parseDuration(le.leaseDuration),
      renewDeadlineMs: parseDuration(le.renewDeadline),
      retryPeriodMs: parseDuration(le.retryPeriod),
      clock: this.services.clock,
      logger: this.ctx.logger,
      onStartedLeading: (leading) => {
        this.leaderGauge.set({ name }, 1);
        return this.runControllers(leading);
      },
      onStoppedLeading: () => {
        this.leaderGauge.set({ name }, 0);
        if (!signal.aborted) this.ctx.logger.warn({ lease: `${le.resourceNamespace}/${name}` }, "leadership lost; controllers stopped, campaigning again");
      },
      onNewLeader: (holder) => this.ctx.logger.info({ leader: holder }, "new leader observed"),
    });
    this.leaderGauge.set({ name }, 0);
    while (!signal.aborted) await elector.run(signal);
  }

  /** Runs every selected controller until `signal` aborts, then stops the informers they used. */
  private async runControllers(signal: AbortSignal): Promise<void> {
    const { logger } = this.ctx;
    const runs = this.selected.map((e) =>
      e.instance.run(signal).catch((err) => logger.error({ controller: e.name, err: (err as Error).message }, "controller failed")),
    );
    this.services.informers.start(signal);
    logger.info({ controllers: this.controllers() }, "started controllers");
    await Promise.all(runs);
    await this.services.informers.stop();
    logger.info("stopped controllers");
  }
}
