import type { Pod, PodCondition } from "./pod.js";
export type { Pod, PodCondition } from "./pod.js";
import type { KubeObject } from "../client/index.js";

/**
 * What the Endpoints and EndpointSlice controllers share about Services and their Pods, as
 * upstream's pkg/controller/util/endpoint does: which pods back a Service, whether they are ready,
 * which port a service port lands on in each pod, and when the change that moved them happened.
 */

export interface ServicePort {
  name?: string;
  protocol?: string;
  port: number;
  targetPort?: number | string;
  appProtocol?: string;
}

export interface Service extends KubeObject {
  spec?: {
    selector?: Record<string, string>;
    clusterIP?: string;
    ipFamilies?: string[];
    ports?: ServicePort[];
    publishNotReadyAddresses?: boolean;
    trafficDistribution?: string;
  };
}

/** The Pod shape the Service and node controllers read (one type with the rest of the controller manager's). */
export type KubePod = Pod;

/** The `kubernetes` Service's endpoints are the API server's to write, never a controller's. */
export const isApiServerService = (svc: KubeObject): boolean => svc.metadata.namespace === "default" && svc.metadata.name === "kubernetes";

export const isHeadless = (svc: Service): boolean => svc.spec?.clusterIP === "None";

/** A Service's selector matches the pod's labels; a Service without one selects nothing. */
export function selectsPod(svc: Service, pod: KubeObject): boolean {
  const selector = svc.spec?.selector;
  if (!selector || !Object.keys(selector).length) return false;
  const labels = pod.metadata.labels ?? {};
  return Object.entries(selector).every(([k, v]) => labels[k] === v);
}

/**
 * Upstream's ShouldPodBeInEndpoints: a pod with an IP that has not finished for good; terminating
 * pods only where the caller tracks them (EndpointSlices do, Endpoints do not).
 */
export function shouldPodBeInEndpoints(pod: KubePod, includeTerminating: boolean): boolean {
  const phase = pod.status?.phase;
  const restart = pod.spec?.restartPolicy ?? "Always";
  if (restart === "Never" && (phase === "Failed" || phase === "Succeeded")) return false;
  if (restart === "OnFailure" && phase === "Succeeded") return false;
  if (!podIPs(pod).length) return false;
  if (!includeTerminating && pod.metadata.deletionTimestamp) return false;
  return true;
}

export function podIPs(pod: KubePod): string[] {
  const ips = pod.status?.podIPs?.map((p) => p.ip) ?? [];
  if (!ips.length && pod.status?.podIP) ips.push(pod.status.podIP);
  return ips;
}

/**
 * The port a service port reaches in `pod`: a numeric targetPort as it is, a named one through
 * the pod's containerPorts of the same protocol; undefined when the pod has no such name.
 */
export function findPort(pod: KubePod, port: ServicePort): number | undefined {
  const target = port.targetPort ?? port.port;
  if (typeof target === "number") return target;
  if (/^\d+$/.test(target)) return Number(target);
  const protocol = port.protocol ?? "TCP";
  for (const c of pod.spec?.containers ?? []) {
    for (const p of c.ports ?? []) if (p.name === target && (p.protocol ?? "TCP") === protocol) return p.containerPort;
  }
  return undefined;
}

/** The hostname a headless Service gives a pod: its spec.hostname when its subdomain names the Service. */
export function podHostname(pod: KubePod, svc: Service): string | undefined {
  const { hostname, subdomain } = pod.spec ?? {};
  return isHeadless(svc) && hostname && subdomain === svc.metadata.name && pod.metadata.namespace === svc.metadata.namespace ? hostname : undefined;
}

export const LAST_CHANGE_TRIGGER_TIME = "endpoints.kubernetes.io/last-change-trigger-time";

/**
 * Upstream's TriggerTimeTracker: the time of the earliest change to a Service or its pods not yet
 * reflected in what the controller wrote, for the last-change-trigger-time annotation. A pod's
 * change time is its Ready condition's last transition (else its creation), a Service's its
 * creation. `compute` only looks; `observed` records what was written, so a write that failed
 * (a conflict on a stale cache) still carries the time when it is retried.
 */
export class TriggerTimeTracker {
  private readonly seen = new Map<string, { service: string; pods: Map<string, string> }>();

  compute(key: string, svc: Service, pods: KubePod[]): { time: string | undefined; observed: () => void } {
    const last = this.seen.get(key);
    const current = new Map<string, string>();
    let min: string | undefined;
    const consider = (t: string | undefined) => {
      if (t && (!min || t < min)) min = t;
    };
    for (const pod of pods) {
      const t = pod.status?.conditions?.find((c) => c.type === "Ready")?.lastTransitionTime ?? pod.metadata.creationTimestamp;
      if (!t) continue;
      current.set(pod.metadata.name!, t);
      if (last?.pods.get(pod.metadata.name!) !== t) consider(t);
    }
    const svcTime = svc.metadata.creationTimestamp ?? "";
    if (!last || last.service !== svcTime) consider(svcTime || undefined);
    return { time: min, observed: () => void this.seen.set(key, { service: svcTime, pods: current }) };
  }

  forget(key: string): void {
    this.seen.delete(key);
  }
}
