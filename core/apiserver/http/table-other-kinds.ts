import type { KubeObj } from "../registry/strategy.js";
import { age, col, firstThree, humanDuration, name, none, selector, type Column } from "./table-columns.js";

/** Ingress HOSTS: up to three hosts, `*` when no rule names one. */
const hosts = (rules: any[] | undefined) => firstThree((rules ?? []).map((r) => r.host).filter(Boolean), "*");

const loadBalancer = (o: KubeObj) => (o.status?.loadBalancer?.ingress ?? []).map((i: any) => i.ip || i.hostname).filter(Boolean).join(",");

/** ResourceQuota REQUEST and LIMIT: `used/hard` per resource, limits.* apart, sorted by name. */
function quotaUsage(q: KubeObj, limits: boolean): string {
  const hard: Record<string, string> = q.status?.hard ?? {};
  const used: Record<string, string> = q.status?.used ?? {};
  return Object.keys(hard)
    .filter((r) => r.startsWith("limits.") === limits)
    .sort()
    .map((r) => `${r}: ${used[r] ?? "0"}/${hard[r]}`)
    .join(", ");
}

const subjects = (b: KubeObj, kind: string) =>
  (b.subjects ?? [])
    .filter((s: any) => s.kind === kind)
    .map((s: any) => (kind === "ServiceAccount" ? `${s.namespace ?? ""}/${s.name}` : s.name))
    .join(", ");

const bindingColumns: Column[] = [
  name,
  col("Role", (b) => `${b.roleRef?.kind ?? ""}/${b.roleRef?.name ?? ""}`),
  age,
  col("Users", (b) => subjects(b, "User"), { priority: 1 }),
  col("Groups", (b) => subjects(b, "Group"), { priority: 1 }),
  col("ServiceAccounts", (b) => subjects(b, "ServiceAccount"), { priority: 1 }),
];

/** A controller owner as `kind.group/name`. */
function controllerOf(o: KubeObj): string {
  const ref = (o.metadata.ownerReferences ?? []).find((r: any) => r.controller);
  if (!ref) return "<none>";
  const group = String(ref.apiVersion ?? "").includes("/") ? String(ref.apiVersion).split("/")[0] : "";
  return `${String(ref.kind).toLowerCase()}${group ? `.${group}` : ""}/${ref.name}`;
}

/** CSR CONDITION: the decision (Denied over Approved, else Pending), then Failed and Issued. */
function csrCondition(csr: KubeObj): string {
  const types = new Set((csr.status?.conditions ?? []).map((c: any) => c.type));
  let out = types.has("Denied") ? "Denied" : types.has("Approved") ? "Approved" : "Pending";
  if (types.has("Failed")) out += ",Failed";
  if (csr.status?.certificate) out += ",Issued";
  return out;
}

/** Upstream's printer columns for kinds beyond the main workloads. */
export const OTHER_PRINTERS: Record<string, Column[]> = {
  "networking.k8s.io/ingresses": [
    name,
    col("Class", (i) => none(i.spec?.ingressClassName)),
    col("Hosts", (i) => hosts(i.spec?.rules)),
    col("Address", loadBalancer),
    col("Ports", (i) => ((i.spec?.tls ?? []).length ? "80, 443" : "80")),
    age,
  ],
  "networking.k8s.io/ingressclasses": [
    name,
    col("Controller", (c) => c.spec?.controller ?? ""),
    col("Parameters", (c) => {
      const p = c.spec?.parameters;
      return p ? `${p.kind}${p.apiGroup ? `.${p.apiGroup}` : ""}/${p.name}` : "<none>";
    }),
    age,
  ],
  "networking.k8s.io/networkpolicies": [name, col("Pod-Selector", (n) => selector(n.spec?.podSelector ?? {})), age],
  "policy/poddisruptionbudgets": [
    name,
    col("Min Available", (p) => (p.spec?.minAvailable !== undefined ? String(p.spec.minAvailable) : "N/A")),
    col("Max Unavailable", (p) => (p.spec?.maxUnavailable !== undefined ? String(p.spec.maxUnavailable) : "N/A")),
    col("Allowed Disruptions", (p) => p.status?.disruptionsAllowed ?? 0, { type: "integer" }),
    age,
  ],
  "/resourcequotas": [name, age, col("Request", (q) => quotaUsage(q, false)), col("Limit", (q) => quotaUsage(q, true))],
  "scheduling.k8s.io/priorityclasses": [
    name,
    col("Value", (p) => p.value ?? 0, { type: "integer" }),
    col("Global-Default", (p) => p.globalDefault ?? false, { type: "boolean" }),
    age,
    col("PreemptionPolicy", (p) => p.preemptionPolicy ?? "<unset>"),
  ],
  "rbac.authorization.k8s.io/rolebindings": bindingColumns,
  "rbac.authorization.k8s.io/clusterrolebindings": bindingColumns,
  "coordination.k8s.io/leases": [name, col("Holder", (l) => l.spec?.holderIdentity ?? ""), age],
  "storage.k8s.io/storageclasses": [
    { ...name, cell: (s) => (s.metadata.annotations?.["storageclass.kubernetes.io/is-default-class"] === "true" ? `${s.metadata.name} (default)` : s.metadata.name) },
    col("Provisioner", (s) => s.provisioner ?? ""),
    col("ReclaimPolicy", (s) => s.reclaimPolicy ?? "Delete"),
    col("VolumeBindingMode", (s) => s.volumeBindingMode ?? "Immediate"),
    col("AllowVolumeExpansion", (s) => s.allowVolumeExpansion ?? false, { type: "boolean" }),
    age,
  ],
  "discovery.k8s.io/endpointslices": [
    name,
    col("AddressType", (e) => e.addressType ?? ""),
    col("Ports", (e) => firstThree((e.ports ?? []).map((p: any) => (p.port !== undefined ? String(p.port) : (p.name ?? "*"))), "<unset>")),
    col("Endpoints", (e) => firstThree((e.endpoints ?? []).flatMap((x: any) => x.addresses ?? []), "<unset>")),
    age,
  ],
  "certificates.k8s.io/certificatesigningrequests": [
    name,
    age,
    col("SignerName", (c) => c.spec?.signerName ?? ""),
    col("Requestor", (c) => c.spec?.username ?? ""),
    col("RequestedDuration", (c) => (c.spec?.expirationSeconds !== undefined ? humanDuration(c.spec.expirationSeconds * 1000) : "<none>")),
    col("Condition", csrCondition),
  ],
  "apps/controllerrevisions": [name, col("Controller", controllerOf), col("Revision", (r) => r.revision ?? 0, { type: "integer" }), age],
};
