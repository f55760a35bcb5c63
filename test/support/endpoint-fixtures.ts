import type { Pod, Service } from "../../core/controller-manager/index.js";

/** Services and pods in namespace `d` for the endpoints and endpointslice controller tests. */
export const svc = (name: string, spec: Service["spec"] = {}, extra: Partial<Service["metadata"]> = {}): Service => ({
  apiVersion: "v1",
  kind: "Service",
  metadata: { name, namespace: "d", uid: `svc-${name}`, creationTimestamp: "2026-01-01T00:00:00Z", ...extra },
  spec: { selector: { app: "web" }, clusterIP: "10.96.0.10", ports: [{ name: "http", port: 80, targetPort: 8080, protocol: "TCP" }], ...spec },
});

export const pod = (name: string, ip: string | undefined, ready: boolean, extra: { spec?: Pod["spec"]; deleting?: boolean; phase?: string; labels?: Record<string, string> } = {}): Pod => ({
  apiVersion: "v1",
  kind: "Pod",
  metadata: { name, namespace: "d", uid: `uid-${name}`, labels: extra.labels ?? { app: "web" }, creationTimestamp: "2026-01-01T00:00:01Z", ...(extra.deleting ? { deletionTimestamp: "2026-01-01T00:01:00Z" } : {}) },
  spec: { nodeName: "n1", containers: [{ name: "c", ports: [{ name: "web", containerPort: 8080 }] }], ...extra.spec },
  status: { phase: extra.phase ?? "Running", ...(ip ? { podIP: ip, podIPs: [{ ip }] } : {}), conditions: [{ type: "Ready", status: ready ? "True" : "False", lastTransitionTime: "2026-01-01T00:00:05Z" }] },
});

