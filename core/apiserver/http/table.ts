import type { KubeObj } from "../registry/strategy.js";
import type { ServedResource } from "../registry/served-resource.js";
import { eventFromEventsV1, hpaV1ToV2 } from "../conversion/index.js";
import { age, boolPtr, col, firstThree, hostPort, humanDuration, name, none, selector, type Column } from "./table-columns.js";
import { OTHER_PRINTERS } from "./table-other-kinds.js";
import { crdColumns } from "./table-crd.js";
import { podColumns } from "./table-pods.js";

/** Each port's addresses in turn, as upstream's formatEndpoints lists them; bare IPs for a subset without ports. */
function endpointAddresses(e: KubeObj): string[] {
  return (e.subsets ?? []).flatMap((s: any) => {
    const ips = (s.addresses ?? []).map((a: any) => a.ip);
    if (!s.ports?.length) return ips;
    return s.ports.flatMap((p: any) => ips.map((ip: string) => hostPort(ip, p.port)));
  });
}

/** LAST SEEN and FIRST SEEN: a series' last observation, else lastTimestamp, else the first; the first from firstTimestamp or eventTime. */
function eventTimes(e: KubeObj, now: number): { first: string; last: string } {
  const since = (t: string | undefined) => (t ? humanDuration(now - Date.parse(t)) : "<unknown>");
  const first = since(e.firstTimestamp ?? e.eventTime);
  const last = e.series?.lastObservedTime ? since(e.series.lastObservedTime) : e.lastTimestamp ? since(e.lastTimestamp) : first;
  return { first, last };
}

/** SOURCE: the component (or reporting controller), then the host (or reporting instance). */
function eventSource(e: KubeObj): string {
  const component = e.source?.component || e.reportingComponent || "";
  const instance = e.source?.host || e.reportingInstance || "";
  return component && instance ? `${component}, ${instance}` : component;
}

/** Upstream's node roles: `node-role.kubernetes.io/<role>` labels and `kubernetes.io/role`, sorted. */
function nodeRoles(n: KubeObj): string {
  const roles = new Set<string>();
  for (const [k, v] of Object.entries<string>(n.metadata.labels ?? {})) {
    if (k.startsWith("node-role.kubernetes.io/") && k.length > 24) roles.add(k.slice(24));
    else if (k === "kubernetes.io/role" && v) roles.add(v);
  }
  return [...roles].sort().join(",") || "<none>";
}

const nodeAddress = (n: KubeObj, type: string) => none((n.status?.addresses ?? []).find((a: any) => a.type === type)?.address);

const ports = (s: KubeObj) => (s.spec?.ports ?? []).map((p: any) => `${p.port}${p.nodePort ? `:${p.nodePort}` : ""}/${p.protocol ?? "TCP"}`).join(",") || "<none>";
const MODES: Record<string, string> = { ReadWriteOnce: "RWO", ReadOnlyMany: "ROX", ReadWriteMany: "RWX", ReadWriteOncePod: "RWOP" };
const accessModes = (modes: string[] | undefined) => (modes ?? []).map((m) => MODES[m] ?? m).join(",");
const images = (spec: any) => (spec?.template?.spec?.containers ?? []).map((c: any) => c.image).join(",");
const containers = (spec: any) => (spec?.template?.spec?.containers ?? []).map((c: any) => c.name).join(",");

/** ReplicaSets and ReplicationControllers print the same columns upstream. */
const replicaColumns: Column[] = [
  name,
  col("Desired", (r) => r.spec?.replicas ?? 0, { type: "integer" }),
  col("Current", (r) => r.status?.replicas ?? 0, { type: "integer" }),
  col("Ready", (r) => r.status?.readyReplicas ?? 0, { type: "integer" }),
  age,
  col("Containers", (r) => containers(r.spec), { priority: 1 }),
  col("Images", (r) => images(r.spec), { priority: 1 }),
  col("Selector", (r) => selector(r.spec?.selector), { priority: 1 }),
];

/** Upstream's printer columns for the main kinds (the others in table-other-kinds.ts); NAME and CREATED AT for kinds upstream prints no columns for. */
const PRINTERS: Record<string, Column[]> = {
  "/pods": podColumns,
  "/namespaces": [name, col("Status", (n) => n.status?.phase ?? "Active"), age],
  "/configmaps": [name, col("Data", (c) => Object.keys(c.data ?? {}).length + Object.keys(c.binaryData ?? {}).length, { type: "integer" }), age],
  "/secrets": [name, col("Type", (s) => s.type ?? "Opaque"), col("Data", (s) => Object.keys(s.data ?? {}).length, { type: "integer" }), age],
  "/serviceaccounts": [name, col("Secrets", (s) => (s.secrets ?? []).length, { type: "integer" }), age],
  "/services": [
    name,
    col("Type", (s) => s.spec?.type ?? "ClusterIP"),
    col("Cluster-IP", (s) => none(s.spec?.clusterIP)),
    col("External-IP", (s) => (s.spec?.type === "ExternalName" ? s.spec.externalName : (s.status?.loadBalancer?.ingress ?? []).map((i: any) => i.ip ?? i.hostname).join(",") || (s.spec?.externalIPs ?? []).join(",") || (s.spec?.type === "LoadBalancer" ? "<pending>" : "<none>"))),
    col("Port(s)", ports),
    age,
    col("Selector", (s) => selector(s.spec?.selector), { priority: 1 }),
  ],
  "/endpoints": [name, col("Endpoints", (e) => firstThree(endpointAddresses(e), "<none>")), age],
  "/nodes": [
    name,
    col("Status", (n) => {
      // Unknown until a kubelet reports readiness, as upstream prints it.
      const ready = (n.status?.conditions ?? []).find((c: any) => c.type === "Ready");
      const s = !ready ? "Unknown" : ready.status === "True" ? "Ready" : "NotReady";
      return n.spec?.unschedulable ? `${s},SchedulingDisabled` : s;
    }),
    col("Roles", nodeRoles),
    age,
    col("Version", (n) => n.status?.nodeInfo?.kubeletVersion ?? ""),
    col("Internal-IP", (n) => nodeAddress(n, "InternalIP"), { priority: 1 }),
    col("External-IP", (n) => nodeAddress(n, "ExternalIP"), { priority: 1 }),
    col("OS-Image", (n) => n.status?.nodeInfo?.osImage || "<unknown>", { priority: 1 }),
    col("Kernel-Version", (n) => n.status?.nodeInfo?.kernelVersion || "<unknown>", { priority: 1 }),
    col("Container-Runtime", (n) => n.status?.nodeInfo?.containerRuntimeVersion || "<unknown>", { priority: 1 }),
  ],
  "/events": [
    col("Last Seen", (e, now) => eventTimes(e, now).last),
    col("Type", (e) => e.type ?? ""),
    col("Reason", (e) => e.reason ?? ""),
    col("Object", (e) => {
      const kind = String(e.involvedObject?.kind ?? "").toLowerCase();
      return e.involvedObject?.name ? `${kind}/${e.involvedObject.name}` : kind;
    }),
    col("Subobject", (e) => e.involvedObject?.fieldPath ?? "", { priority: 1 }),
    col("Source", eventSource, { priority: 1 }),
    col("Message", (e) => String(e.message ?? "").trim()),
    col("First Seen", (e, now) => eventTimes(e, now).first, { priority: 1 }),
    col("Count", (e) => e.series?.count ?? (e.count || 1), { type: "integer", priority: 1 }),
    col("Name", (e) => e.metadata.name, { priority: 1 }),
  ],
  "/persistentvolumes": [
    name,
    col("Capacity", (p) => p.spec?.capacity?.storage ?? ""),
    col("Access Modes", (p) => accessModes(p.spec?.accessModes)),
    col("Reclaim Policy", (p) => p.spec?.persistentVolumeReclaimPolicy ?? "Retain"),
    col("Status", (p) => p.status?.phase ?? "Pending"),
    col("Claim", (p) => (p.spec?.claimRef ? `${p.spec.claimRef.namespace}/${p.spec.claimRef.name}` : "")),
    col("StorageClass", (p) => p.spec?.storageClassName ?? ""),
    col("VolumeAttributesClass", (p) => p.spec?.volumeAttributesClassName ?? "<unset>"),
    col("Reason", (p) => p.status?.reason ?? ""),
    age,
    col("VolumeMode", (p) => p.spec?.volumeMode ?? "Filesystem", { priority: 1 }),
  ],
  "/persistentvolumeclaims": [
    name,
    col("Status", (p) => p.status?.phase ?? "Pending"),
    col("Volume", (p) => p.spec?.volumeName ?? ""),
    col("Capacity", (p) => p.status?.capacity?.storage ?? ""),
    col("Access Modes", (p) => accessModes(p.status?.accessModes)),
    col("StorageClass", (p) => p.spec?.storageClassName ?? ""),
    col("VolumeAttributesClass", (p) => p.spec?.volumeAttributesClassName ?? "<unset>"),
    age,
    col("VolumeMode", (p) => p.spec?.volumeMode ?? "Filesystem", { priority: 1 }),
  ],
  "apps/deployments": [
    name,
    col("Ready", (d) => `${d.status?.readyReplicas ?? 0}/${d.spec?.replicas ?? 0}`),
    col("Up-to-date", (d) => d.status?.updatedReplicas ?? 0, { type: "integer" }),
    col("Available", (d) => d.status?.availableReplicas ?? 0, { type: "integer" }),
    age,
    col("Containers", (d) => containers(d.spec), { priority: 1 }),
    col("Images", (d) => images(d.spec), { priority: 1 }),
    col("Selector", (d) => selector(d.spec?.selector), { priority: 1 }),
  ],
  "apps/replicasets": replicaColumns,
  "apps/statefulsets": [name, col("Ready", (s) => `${s.status?.readyReplicas ?? 0}/${s.spec?.replicas ?? 0}`), age, col("Containers", (s) => containers(s.spec), { priority: 1 }), col("Images", (s) => images(s.spec), { priority: 1 })],
  "apps/daemonsets": [
    name,
    col("Desired", (d) => d.status?.desiredNumberScheduled ?? 0, { type: "integer" }),
    col("Current", (d) => d.status?.currentNumberScheduled ?? 0, { type: "integer" }),
    col("Ready", (d) => d.status?.numberReady ?? 0, { type: "integer" }),
    col("Up-to-date", (d) => d.status?.updatedNumberScheduled ?? 0, { type: "integer" }),
    col("Available", (d) => d.status?.numberAvailable ?? 0, { type: "integer" }),
    col("Node Selector", (d) => selector(d.spec?.template?.spec?.nodeSelector)),
    age,
    col("Containers", (d) => containers(d.spec), { priority: 1 }),
    col("Images", (d) => images(d.spec), { priority: 1 }),
    col("Selector", (d) => selector(d.spec?.selector), { priority: 1 }),
  ],
  "/replicationcontrollers": replicaColumns,
  "/podtemplates": [
    name,
    col("Containers", (t) => containers({ template: t.template })),
    col("Images", (t) => images({ template: t.template })),
    col("Pod Labels", (t) => selector(t.template?.metadata?.labels)),
  ],
  "batch/jobs": [
    name,
    col("Status", (j) => {
      const conds = j.status?.conditions ?? [];
      const has = (t: string) => conds.some((c: any) => c.type === t && c.status === "True");
      if (has("Complete")) return "Complete";
      if (has("Failed")) return "Failed";
      if (j.metadata.deletionTimestamp) return "Terminating";
      return ["Suspended", "FailureTarget", "SuccessCriteriaMet"].find(has) ?? "Running";
    }),
    col("Completions", (j) => {
      const done = j.status?.succeeded ?? 0;
      if (j.spec?.completions !== undefined) return `${done}/${j.spec.completions}`;
      return (j.spec?.parallelism ?? 0) > 1 ? `${done}/1 of ${j.spec.parallelism}` : `${done}/1`;
    }),
    col("Duration", (j, now) => (j.status?.startTime ? humanDuration((j.status.completionTime ? Date.parse(j.status.completionTime) : now) - Date.parse(j.status.startTime)) : "")),
    age,
    col("Containers", (j) => containers(j.spec), { priority: 1 }),
    col("Images", (j) => images(j.spec), { priority: 1 }),
    col("Selector", (j) => selector(j.spec?.selector), { priority: 1 }),
  ],
  "batch/cronjobs": [name, col("Schedule", (c) => c.spec?.schedule ?? ""), col("Timezone", (c) => none(c.spec?.timeZone)), col("Suspend", (c) => boolPtr(c.spec?.suspend)), col("Active", (c) => (c.status?.active ?? []).length, { type: "integer" }), col("Last Schedule", (c, now) => (c.status?.lastScheduleTime ? humanDuration(now - Date.parse(c.status.lastScheduleTime)) : "<none>")), age, col("Containers", (c) => containers(c.spec?.jobTemplate?.spec), { priority: 1 }), col("Images", (c) => images(c.spec?.jobTemplate?.spec), { priority: 1 }), col("Selector", (c) => selector(c.spec?.jobTemplate?.spec?.selector), { priority: 1 })],
};

/** Columns computed on another version's view of the object, as upstream prints from its internal version. */
const viewed = (cols: Column[], view: (o: KubeObj) => KubeObj): Column[] => {
  const views = new WeakMap<KubeObj, KubeObj>();
  const once = (o: KubeObj) => views.get(o) ?? views.set(o, view(o)).get(o)!;
  return cols.map((c) => ({ ...c, cell: (o, now) => c.cell(once(o), now) }));
};

/** Upstream's TARGETS cell: "current/target" per metric, two at most. */
function hpaTargets(specs: any[] = [], statuses: any[] = []): string {
  if (!specs.length) return "<none>";
  const cur = (v: unknown) => (v === undefined || v === null ? "<unknown>" : String(v));
  const pct = (v: unknown) => (v === undefined || v === null ? "<unknown>" : `${v}%`);
  const list = specs.map((m, i) => {
    const st = statuses[i];
    switch (m.type) {
      case "External":
      case "Object": {
        const key = m.type === "External" ? "external" : "object";
        const t = m[key]?.target ?? {};
        if (t.averageValue !== undefined) return `${cur(st?.[key]?.current?.averageValue)}/${t.averageValue} (avg)`;
        return `${cur(st?.[key]?.current?.value)}/${t.value}`;
      }
      case "Pods":
        return `${cur(st?.pods?.current?.averageValue)}/${m.pods?.target?.averageValue}`;
      case "Resource":
      case "ContainerResource": {
        const key = m.type === "Resource" ? "resource" : "containerResource";
        const t = m[key]?.target ?? {};
        if (t.averageValue !== undefined) return `${m[key]?.name}: ${cur(st?.[key]?.current?.averageValue)}/${t.averageValue}`;
        return `${m[key]?.name}: ${pct(st?.[key]?.current?.averageUtilization)}/${t.averageUtilization === undefined ? "<auto>" : `${t.averageUtilization}%`}`;
      }
      default:
        return "<unknown type>";
    }
  });
  return list.length > 2 ? `${list.slice(0, 2).join(", ")} + ${list.length - 2} more...` : list.join(", ");
}

const hpaColumns: Column[] = [
  name,
  col("Reference", (h) => `${h.spec?.scaleTargetRef?.kind ?? ""}/${h.spec?.scaleTargetRef?.name ?? ""}`),
  col("Targets", (h) => hpaTargets(h.spec?.metrics, h.status?.currentMetrics)),
  col("MinPods", (h) => (h.spec?.minReplicas === undefined ? "<unset>" : String(h.spec.minReplicas))),
  col("MaxPods", (h) => h.spec?.maxReplicas ?? 0, { type: "integer" }),
  col("Replicas", (h) => h.status?.currentReplicas ?? 0, { type: "integer" }),
  age,
];
PRINTERS["autoscaling/horizontalpodautoscalers"] = viewed(hpaColumns, (h) => (h.apiVersion === "autoscaling/v1" ? hpaV1ToV2(h) : h));
PRINTERS["events.k8s.io/events"] = viewed(PRINTERS["/events"]!, eventFromEventsV1);

const DEFAULT: Column[] = [name, { name: "Created At", type: "date", cell: (o) => o.metadata.creationTimestamp }];

/** Whether the Accept header asks for a meta.k8s.io Table (v1 or v1beta1). */
export function wantsTable(accept: string | undefined): boolean {
  return (accept ?? "").split(",").some((p) => {
    const params = p.split(";").map((x) => x.trim());
    return params[0] === "application/json" && params.includes("as=Table") && params.includes("g=meta.k8s.io");
  });
}

function columnsFor(res: ServedResource): Column[] {
  if (res.crd) return crdColumns(res);
  const key = `${res.group}/${res.plural}`;
  return PRINTERS[key] ?? OTHER_PRINTERS[key] ?? DEFAULT;
}

export type IncludeObject = "None" | "Metadata" | "Object";

/** The scale subresource's columns, as upstream prints autoscaling/v1 Scale. */
const SCALE: Column[] = [name, col("Desired", (s) => s.spec?.replicas ?? 0, { type: "integer" }), col("Available", (s) => s.status?.replicas ?? 0, { type: "integer" })];

/** A Scale as a one-row Table (`kubectl get --subresource=scale`). */
export function scaleTable(scale: KubeObj, include: IncludeObject): Record<string, unknown> {
  return tableOf(SCALE, [scale], { resourceVersion: scale.metadata.resourceVersion }, include, true);
}

/** Upstream's server-side printing: column definitions and one row per object. */
export function toTable(res: ServedResource, items: KubeObj[], meta: Record<string, unknown>, include: IncludeObject, withColumns = true): Record<string, unknown> {
  return tableOf(columnsFor(res), items, meta, include, withColumns);
}

function tableOf(cols: Column[], items: KubeObj[], meta: Record<string, unknown>, include: IncludeObject, withColumns: boolean): Record<string, unknown> {
  const now = Date.now();
  return {
    kind: "Table",
    apiVersion: "meta.k8s.io/v1",
    metadata: meta,
    ...(withColumns ? { columnDefinitions: cols.map((c) => ({ name: c.name, type: c.type, format: c.format ?? "", description: "", priority: c.priority ?? 0 })) } : { columnDefinitions: null }),
    rows: items.map((o) => ({
      cells: cols.map((c) => c.cell(o, now)),
      ...(include === "None"
        ? {}
        : { object: include === "Object" ? o : { kind: "PartialObjectMetadata", apiVersion: "meta.k8s.io/v1", metadata: o.metadata } }),
    })),
  };
}
