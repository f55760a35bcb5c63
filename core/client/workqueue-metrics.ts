import type { Counter, Gauge, Histogram } from "prom-client";
import type { MetricsScope } from "../kernel/metrics.js";

/** Upstream's workqueue metric names, labelled `name` per queue. */
export interface WorkQueueMetrics {
  adds: Counter<"name">;
  depth: Gauge<"name">;
  queueDuration: Histogram<"name">;
  workDuration: Histogram<"name">;
  retries: Counter<"name">;
}

// Upstream's buckets: 1 ns … 10 s by powers of ten.
const buckets = [1e-8, 1e-7, 1e-6, 1e-5, 1e-4, 1e-3, 1e-2, 1e-1, 1, 10];

export function workQueueMetrics(scope: MetricsScope): WorkQueueMetrics {
  return {
    adds: scope.counter({ name: "workqueue_adds_total", help: "Total number of adds handled by workqueue", labelNames: ["name"] }),
    depth: scope.gauge({ name: "workqueue_depth", help: "Current depth of workqueue", labelNames: ["name"] }),
    queueDuration: scope.histogram({
      name: "workqueue_queue_duration_seconds",
      help: "How long in seconds an item stays in workqueue before being requested",
      labelNames: ["name"],
      buckets,
    }),
    workDuration: scope.histogram({
      name: "workqueue_work_duration_seconds",
      help: "How long in seconds processing an item from workqueue takes",
      labelNames: ["name"],
      buckets,
    }),
    retries: scope.counter({ name: "workqueue_retries_total", help: "Total number of retries handled by workqueue", labelNames: ["name"] }),
  };
}
