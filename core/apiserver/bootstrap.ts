import type { Logger } from "../kernel/logging.js";
import type { UserInfo } from "./chains.js";
import type { Stores } from "./registry/stores.js";
import { StatusError } from "../api/status.js";

const SYSTEM: UserInfo = { name: "system:apiserver", groups: ["system:masters"] };
const opts = { user: SYSTEM, dryRun: false };

async function ensure(stores: Stores, group: string, version: string, plural: string, namespace: string | undefined, obj: Record<string, any>): Promise<void> {
  const store = await stores.for(group, version, plural);
  try {
    await store.create(namespace, obj as never, opts);
  } catch (err) {
    if (!(err instanceof StatusError && err.status.code === 409)) throw err;
  }
}

/** Creates a default-namespace object, or brings the given fields of an existing one up to date. */
async function ensureCurrent(stores: Stores, group: string, version: string, plural: string, obj: Record<string, any>, fields: string[]): Promise<void> {
  const store = await stores.for(group, version, plural);
  const current = await store.tryGet("default", obj.metadata.name);
  if (!current) return ensure(stores, group, version, plural, "default", obj);
  if (fields.every((f) => JSON.stringify(current[f]) === JSON.stringify(obj[f]))) return;
  await store.guaranteedUpdate("default", obj.metadata.name, opts, (cur) => ({ ...cur, ...Object.fromEntries(fields.map((f) => [f, obj[f]])) }));
}

/**
 * What upstream's bootstrap controllers create at start: the four system namespaces,
 * the `kubernetes` Service on the first service IP and its endpoints.
 */
export async function bootstrapCluster(stores: Stores, o: { serviceIP: string; endpointIP: string; port: number; logger: Logger }): Promise<void> {
  for (const name of ["default", "kube-system", "kube-public", "kube-node-lease"]) {
    await ensure(stores, "", "v1", "namespaces", undefined, { apiVersion: "v1", kind: "Namespace", metadata: { name } });
  }
  await ensure(stores, "", "v1", "services", "default", {
    apiVersion: "v1",
    kind: "Service",
    metadata: { name: "kubernetes", namespace: "default", labels: { component: "apiserver", provider: "kubernetes" } },
    spec: { clusterIP: o.serviceIP, ports: [{ name: "https", port: 443, protocol: "TCP", targetPort: o.port }], sessionAffinity: "None", type: "ClusterIP" },
  });
  // The endpoints follow the port this server listens on, which may change between starts.
  // Upstream's reconciler writes both forms; kubectl describe reads the slice.
  const port = { name: "https", port: o.port, protocol: "TCP" };
  await ensureCurrent(stores, "", "v1", "endpoints", {
    apiVersion: "v1",
    kind: "Endpoints",
    metadata: { name: "kubernetes", namespace: "default", labels: { "endpointslice.kubernetes.io/skip-mirror": "true" } },
    subsets: [{ addresses: [{ ip: o.endpointIP }], ports: [port] }],
  }, ["subsets"]);
  await ensureCurrent(stores, "discovery.k8s.io", "v1", "endpointslices", {
    apiVersion: "discovery.k8s.io/v1",
    kind: "EndpointSlice",
    metadata: { name: "kubernetes", namespace: "default", labels: { "kubernetes.io/service-name": "kubernetes" } },
    addressType: o.endpointIP.includes(":") ? "IPv6" : "IPv4",
    endpoints: [{ addresses: [o.endpointIP], conditions: { ready: true } }],
    ports: [port],
  }, ["addressType", "endpoints", "ports"]);
  const svc = await (await stores.for("", "v1", "services")).tryGet("default", "kubernetes");
  if (svc && svc.spec?.ports?.[0]?.targetPort !== o.port) {
    await (await stores.for("", "v1", "services")).guaranteedUpdate("default", "kubernetes", opts, (s) => ({ ...s, spec: { ...s.spec, ports: [{ ...s.spec.ports[0], targetPort: o.port }] } }));
  }
  o.logger.info({ serviceIP: o.serviceIP }, "cluster bootstrapped");
}
