import type { Counter, Gauge, Histogram } from "prom-client";
import type { MetricsScope } from "../../kernel/metrics.js";
import type { ListOptions, Storage, WatchCallbacks } from "../storage.js";

export interface RequestMetrics {
  total: Counter<"verb" | "group" | "version" | "resource" | "subresource" | "scope" | "component" | "code">;
  duration: Histogram<"verb" | "group" | "version" | "resource" | "subresource" | "scope" | "component">;
  /** Watches open now: a watch that ends, however its connection closed, leaves this gauge. */
  longRunning: Gauge<"verb" | "group" | "version" | "resource" | "subresource" | "scope" | "component">;
}

/** The upstream request metrics, under upstream's names and labels. */
export function requestMetrics(m: MetricsScope): RequestMetrics {
  const labelNames = ["verb", "group", "version", "resource", "subresource", "scope", "component"] as const;
  return {
    total: m.counter({ name: "apiserver_request_total", help: "Counter of apiserver requests broken out for each verb, dry run value, group, version, resource, scope, component, and HTTP response code.", labelNames: [...labelNames, "code"] }),
    duration: m.histogram({
      name: "apiserver_request_duration_seconds",
      help: "Response latency distribution in seconds for each verb, dry run value, group, version, resource, subresource, scope and component.",
      labelNames: [...labelNames],
      buckets: [0.005, 0.025, 0.05, 0.1, 0.2, 0.4, 0.6, 0.8, 1, 1.25, 1.5, 2, 3, 4, 5, 6, 8, 10, 15, 20, 30, 45, 60],
    }),
    longRunning: m.gauge({ name: "apiserver_longrunning_requests", help: "Gauge of all active long-running apiserver requests broken out by verb, group, version, resource, scope and component.", labelNames: [...labelNames] }),
  };
}

/**
 * Wraps the storage point so every call lands in etcd_request_duration_seconds,
 * upstream's name for storage latency, whichever backend serves.
 */
export function instrumentStorage(storage: Storage, m: MetricsScope): Storage {
  const h = m.histogram({
    name: "etcd_request_duration_seconds",
    help: "Etcd request latency in seconds for each operation and object type.",
    labelNames: ["operation", "type"],
    buckets: [0.0005, 0.001, 0.002, 0.004, 0.008, 0.016, 0.032, 0.064, 0.128, 0.256, 0.512, 1.024, 2.048, 4.096],
  });
  // `/registry/<plural>/…` for the core group, `/registry/<group>/<plural>/…` otherwise: label by resource.
  const NAMED = new Set(["apps", "batch", "policy", "autoscaling"]);
  const typeOf = (key: string) => {
    const [, , a = "", b = ""] = key.split("/");
    return a.includes(".") || NAMED.has(a) ? `${b}.${a}` : a;
  };
  const timed = async <T>(operation: string, key: string, fn: () => Promise<T>): Promise<T> => {
    const end = h.startTimer({ operation, type: typeOf(key) });
    try {
      return await fn();
    } finally {
      end();
    }
  };
  return {
    currentRevision: () => storage.currentRevision(),
    compactedRevision: () => storage.compactedRevision(),
    get: (key: string) => timed("get", key, () => storage.get(key)),
    list: (prefix: string, opts?: ListOptions) => timed("list", prefix, () => storage.list(prefix, opts)),
    count: (prefix: string) => timed("count", prefix, () => storage.count(prefix)),
    create: (key: string, value: string) => timed("create", key, () => storage.create(key, value)),
    update: (key: string, value: string, rev?: number) => timed("update", key, () => storage.update(key, value, rev)),
    delete: (key: string, rev?: number) => timed("delete", key, () => storage.delete(key, rev)),
    watch: (prefix: string, from: number, cb: WatchCallbacks) => storage.watch(prefix, from, cb),
    compact: (rev: number) => timed("compact", "/", () => storage.compact(rev)),
    ...(storage.requestProgress ? { requestProgress: () => storage.requestProgress!() } : {}),
  };
}


