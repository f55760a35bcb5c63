import { Counter, Gauge, Histogram, Registry, type CounterConfiguration, type GaugeConfiguration, type HistogramConfiguration } from "prom-client";

/**
 * One prom-client registry per process; scopes add `component` and `plugin` as
 * constant labels where the metric is kitbash's own, and leave upstream metric
 * names (apiserver_request_total, …) exactly as upstream spells them.
 */
export class MetricsScope {
  constructor(
    readonly registry: Registry,
    readonly labels: Readonly<Record<string, string>> = {},
  ) {}

  child(labels: Record<string, string>): MetricsScope {
    return new MetricsScope(this.registry, { ...this.labels, ...labels });
  }

  counter<L extends string>(cfg: Omit<CounterConfiguration<L>, "registers">): Counter<L> {
    return (this.existing(cfg.name) as Counter<L>) ?? new Counter({ ...cfg, registers: [this.registry] });
  }

  gauge<L extends string>(cfg: Omit<GaugeConfiguration<L>, "registers">): Gauge<L> {
    return (this.existing(cfg.name) as Gauge<L>) ?? new Gauge({ ...cfg, registers: [this.registry] });
  }

  histogram<L extends string>(cfg: Omit<HistogramConfiguration<L>, "registers">): Histogram<L> {
    return (this.existing(cfg.name) as Histogram<L>) ?? new Histogram({ ...cfg, registers: [this.registry] });
  }

  /** Times one plugin call into kitbash_plugin_duration_seconds; the kernel wraps calls with this. */
  timePlugin(point: string, plugin: string): () => void {
    const h = this.histogram({
      name: "kitbash_plugin_duration_seconds",
      help: "Duration of calls into plugins, by component, point and plugin",
      labelNames: ["component", "point", "plugin"],
      buckets: [0.0001, 0.0005, 0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1],
    });
    return h.startTimer({ component: this.labels.component ?? "", point, plugin });
  }

  private existing(name: string) {
    return this.registry.getSingleMetric(name);
  }
}

export function createRootMetrics(): MetricsScope {
  return new MetricsScope(new Registry());
}
