import type { Counter, Gauge, Histogram } from "prom-client";
import type { MetricsScope } from "../kernel/metrics.js";

/** Upstream's scheduler metrics, under their upstream names and labels. */
export interface SchedulerMetrics {
  attempts: Counter<"result" | "profile">;
  attemptDuration: Histogram<"result" | "profile">;
  pendingPods: Gauge<"queue">;
  extensionPointDuration: Histogram<"extension_point" | "status" | "profile">;
  pluginDuration: Histogram<"plugin" | "extension_point" | "status">;
  preemptionVictims: Histogram<never>;
  preemptionAttempts: Counter<never>;
}

const fine = [0.00001, 0.00003, 0.0001, 0.0003, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1];

export function schedulerMetrics(scope: MetricsScope): SchedulerMetrics {
  return {
    attempts: scope.counter({ name: "scheduler_schedule_attempts_total", help: "Number of attempts to schedule pods, by the result.", labelNames: ["result", "profile"] }),
    attemptDuration: scope.histogram({
      name: "scheduler_scheduling_attempt_duration_seconds",
      help: "Scheduling attempt latency in seconds (scheduling algorithm + binding)",
      labelNames: ["result", "profile"],
      buckets: [0.001, 0.002, 0.004, 0.008, 0.016, 0.032, 0.064, 0.128, 0.256, 0.512, 1.024, 2.048, 4.096, 8.192, 16.384],
    }),
    pendingPods: scope.gauge({ name: "scheduler_pending_pods", help: "Number of pending pods, by the queue type.", labelNames: ["queue"] }),
    extensionPointDuration: scope.histogram({
      name: "scheduler_framework_extension_point_duration_seconds",
      help: "Latency for running all plugins of a specific extension point.",
      labelNames: ["extension_point", "status", "profile"],
      buckets: [0.0001, 0.0002, 0.0004, 0.0008, 0.0016, 0.0032, 0.0064, 0.0128, 0.0256, 0.0512, 0.1024, 0.2048],
    }),
    pluginDuration: scope.histogram({
      name: "scheduler_plugin_execution_duration_seconds",
      help: "Duration for running a plugin at a specific extension point.",
      labelNames: ["plugin", "extension_point", "status"],
      buckets: fine,
    }),
    preemptionVictims: scope.histogram({ name: "scheduler_preemption_victims", help: "Number of selected preemption victims", buckets: [1, 2, 4, 8, 16, 32, 64] }),
    preemptionAttempts: scope.counter({ name: "scheduler_preemption_attempts_total", help: "Total preemption attempts in the cluster till now" }),
  };
}
