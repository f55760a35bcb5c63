import { hostname } from "node:os";
import { DeferredTransport, KubeClient, Resources, SharedInformerFactory, transportFor, type KubeObject } from "../client/index.js";
import type { Component, ComponentContext } from "../kernel/component.js";
import type { ProxySettings } from "../../schemas/generated/components/proxy.settings.js";
import { ChangeTracker, type EndpointSliceObject, type ServiceObject } from "./change-tracker.js";
import { KIND, resolveKubeProxyConfiguration, type KubeProxyConfiguration, type ProxySettingsResolved } from "./configuration.js";
import { proxyCredentials } from "./connection.js";
import type { ProxyMode } from "./mode.js";
import { Proxy } from "./points.js";
import { BoundedFrequencyRunner } from "./runner.js";
import { ProxyHealthServer } from "./health-server.js";

/**
 * The proxy's loop: Service and EndpointSlice informers feed a change tracker; a bounded-frequency
 * runner syncs the mode with the changed service ports, and with everything every syncPeriod.
 * At start it removes the rules of every other mode, so switching modes leaves none behind.
 */
export class ProxyMain implements Component {
  private readonly abort = new AbortController();
  private readonly transport = new DeferredTransport("the proxy");
  private readonly client = new KubeClient(this.transport);
  private readonly informers: SharedInformerFactory;
  private readonly config: ProxySettingsResolved;
  private readonly tracker: ChangeTracker;
  private readonly mode: ProxyMode;
  private readonly runner: BoundedFrequencyRunner;
  private readonly health: ProxyHealthServer;
  private lastFull = -Infinity;
  private lastSuccess = 0;
  /** When each pending change was first seen, for the network programming latency. */
  private firstPending: number | undefined;
  private readonly metrics;

  constructor(private readonly ctx: ComponentContext<ProxySettings>) {
    const { settings, problems } = resolveKubeProxyConfiguration(ctx.config[KIND] as KubeProxyConfiguration | undefined);
    if (problems.length) throw new Error(`${KIND}: ${problems.map((p) => `${p.path.join(".")}: ${p.message}`).join("; ")}`);
    this.config = settings;
    this.informers = new SharedInformerFactory(this.client, { logger: ctx.logger });
    this.tracker = new ChangeTracker(ctx.settings.nodeName ?? settings.hostnameOverride ?? hostname().toLowerCase());
    this.mode = ctx.single(Proxy.mode);
    this.runner = new BoundedFrequencyRunner(() => this.sync(), settings.minSyncPeriodMs, settings.syncPeriodMs);
    const m = ctx.metrics;
    this.metrics = {
      duration: m.histogram({ name: "kubeproxy_sync_proxy_rules_duration_seconds", help: "SyncProxyRules latency in seconds", buckets: [0.001, 0.002, 0.004, 0.008, 0.016, 0.032, 0.064, 0.128, 0.256, 0.512, 1.024, 2.048, 4.096, 8.192, 16.384] }),
      last: m.gauge({ name: "kubeproxy_sync_proxy_rules_last_timestamp_seconds", help: "The last time proxy rules were successfully synced" }),
      programming: m.histogram({ name: "kubeproxy_network_programming_duration_seconds", help: "In-cluster network programming latency in seconds", buckets: [0.25, 0.5, 1, 2, 4, 8, 15, 30, 60, 120, 300] }),
      rules: m.gauge({ name: "kitbash_proxy_rules", help: "Rules the mode wrote at its last sync" }),
    };
    this.health = new ProxyHealthServer(ctx.metrics, () => this.healthy());
  }

  async start(): Promise<void> {
    const { ctx } = this;
    await this.cleanupOtherModes();
    const config = await proxyCredentials({ ...(ctx.settings.kubeconfig ? { kubeconfig: ctx.settings.kubeconfig } : {}), dataDir: ctx.dataDir });
    this.transport.connect(transportFor({ ...config, userAgent: "kitbash-proxy" }));
    const services = this.informers.informerFor<ServiceObject & KubeObject>(Resources.services);
    const slices = this.informers.informerFor<EndpointSliceObject & KubeObject>(Resources.endpointSlices);
    const changed = () => {
      this.firstPending ??= Date.now();
      this.runner.run();
    };
    services.addEventHandler({
      onAdd: (o) => (this.tracker.serviceChanged(o), changed()),
      onUpdate: (_, o) => (this.tracker.serviceChanged(o), changed()),
      onDelete: (o) => (this.tracker.serviceChanged(o, true), changed()),
    });
    slices.addEventHandler({
      onAdd: (o) => (this.tracker.sliceChanged(o), changed()),
      onUpdate: (_, o) => (this.tracker.sliceChanged(o), changed()),
      onDelete: (o) => (this.tracker.sliceChanged(o, true), changed()),
    });
    this.informers.start(this.abort.signal);
    await Promise.all([services.waitForSync(this.abort.signal), slices.waitForSync(this.abort.signal)]);
    if (ctx.settings.healthzPort !== undefined || this.config.healthzBindAddress) {
      const [host, port] = splitHostPort(this.config.healthzBindAddress, ctx.settings.healthzPort);
      const at = await this.health.listen(port, host).catch((err: Error) => (ctx.logger.warn({ err: err.message }, "healthz not served"), undefined));
      if (at) ctx.logger.info({ at }, "proxy healthz and metrics");
    }
    this.runner.start();
    ctx.logger.info({ mode: this.config.mode, server: config.server }, "proxy running");
  }

  async stop(): Promise<void> {
    this.abort.abort();
    await this.runner.stop();
    await this.health.close();
    await this.informers.stop();
    this.client.close();
  }

  /** Whether the last sync succeeded within two sync periods, as upstream's /healthz judges. */
  private healthy(): boolean {
    return Date.now() - this.lastSuccess < 2 * this.config.syncPeriodMs + this.config.minSyncPeriodMs;
  }

  private async cleanupOtherModes(): Promise<void> {
    const { ctx } = this;
    const active = ctx.entries(Proxy.mode)[0]?.name;
    for (const name of ctx.catalog.names()) {
      if (name === active || !ctx.catalog.serves(name)?.includes("mode")) continue;
      const other = (await ctx.createPlugin(name, {})) as ProxyMode;
      await other.cleanup().catch((err: Error) => ctx.logger.debug({ mode: name, err: err.message }, "no rules of this mode to remove"));
    }
  }

  private async sync(): Promise<void> {
    const full = Date.now() - this.lastFull >= this.config.syncPeriodMs;
    const pendingSince = this.firstPending;
    this.firstPending = undefined;
    const { services, changed } = this.tracker.take();
    const model = {
      nodeName: this.tracker.nodeName,
      nodePortAddresses: this.config.nodePortAddresses,
      ...(this.config.clusterCIDR ? { clusterCIDR: this.config.clusterCIDR } : {}),
      services,
    };
    const end = this.metrics.duration.startTimer();
    try {
      const result = await this.mode.sync(model, full ? undefined : changed);
      end();
      if (full) this.lastFull = Date.now();
      this.lastSuccess = Date.now();
      this.metrics.last.set(this.lastSuccess / 1000);
      this.metrics.rules.set(result.rules);
      if (pendingSince !== undefined) this.metrics.programming.observe((Date.now() - pendingSince) / 1000);
    } catch (err) {
      end();
      // Retry with everything: a half-applied partial sync is no base for the next one.
      this.lastFull = -Infinity;
      this.firstPending ??= pendingSince;
      this.ctx.logger.error({ err: (err as Error).message }, "proxy rules sync failed");
      this.runner.run();
    }
  }
}

function splitHostPort(address: string, port: number | undefined): [string, number] {
  const i = address.lastIndexOf(":");
  const host = (i < 0 ? address : address.slice(0, i)).replace(/^\[|\]$/g, "") || "0.0.0.0";
  return [host, port ?? (i < 0 ? 10256 : Number(address.slice(i + 1)))];
}
