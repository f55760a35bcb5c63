import type { KubeObj } from "../registry/strategy.js";
import { age, col, humanDuration, name, none, type Column } from "./table-columns.js";

interface PodRow {
  ready: number;
  total: number;
  reason: string;
  restarts: number;
  /** When the last restarted container last terminated, for "3 (5m ago)". */
  lastRestart: number;
}

/** A sidecar: an init container that keeps running (restartPolicy Always). */
const sidecar = (c: any) => c?.restartPolicy === "Always";
const finishedAt = (s: any) => (s?.lastState?.terminated?.finishedAt ? Date.parse(s.lastState.terminated.finishedAt) : 0);
const terminatedReason = (t: any, prefix: string) => t.reason || (t.signal ? `${prefix}Signal:${t.signal}` : `${prefix}ExitCode:${t.exitCode ?? 0}`);

/**
 * Upstream's printPod: READY counts ready containers (and started sidecars), STATUS is
 * the phase unless an init container, a waiting or terminated container, or deletion
 * says more, RESTARTS counts restarts with how long ago the last one was.
 */
function summarize(p: KubeObj): PodRow {
  const spec = p.spec ?? {};
  const st = p.status ?? {};
  const inits = new Map<string, any>((spec.initContainers ?? []).map((c: any) => [c.name, c]));
  const row: PodRow = { ready: 0, total: (spec.containers ?? []).length + [...inits.values()].filter(sidecar).length, reason: st.reason || st.phase || "", restarts: 0, lastRestart: 0 };
  if ((st.conditions ?? []).some((c: any) => c.type === "PodScheduled" && c.reason === "SchedulingGated")) row.reason = "SchedulingGated";

  let sidecarRestarts = 0;
  let sidecarLast = 0;
  let initializing = false;
  const initStatuses: any[] = st.initContainerStatuses ?? [];
  for (const [i, s] of initStatuses.entries()) {
    row.restarts += s.restartCount ?? 0;
    row.lastRestart = Math.max(row.lastRestart, finishedAt(s));
    if (sidecar(inits.get(s.name))) {
      sidecarRestarts += s.restartCount ?? 0;
      sidecarLast = Math.max(sidecarLast, finishedAt(s));
    }
    const t = s.state?.terminated;
    if (t && (t.exitCode ?? 0) === 0) continue;
    if (sidecar(inits.get(s.name)) && s.started) {
      if (s.ready) row.ready++;
      continue;
    }
    if (t) row.reason = `Init:${terminatedReason(t, "")}`;
    else if (s.state?.waiting?.reason && s.state.waiting.reason !== "PodInitializing") row.reason = `Init:${s.state.waiting.reason}`;
    else row.reason = `Init:${i}/${inits.size}`;
    initializing = true;
    break;
  }

  const initialized = (st.conditions ?? []).some((c: any) => c.type === "Initialized" && c.status === "True");
  if (!initializing || initialized) {
    row.restarts = sidecarRestarts;
    row.lastRestart = sidecarLast;
    let running = false;
    const statuses: any[] = st.containerStatuses ?? [];
    for (let i = statuses.length - 1; i >= 0; i--) {
      const s = statuses[i];
      row.restarts += s.restartCount ?? 0;
      row.lastRestart = Math.max(row.lastRestart, finishedAt(s));
      if (s.state?.waiting?.reason) row.reason = s.state.waiting.reason;
      else if (s.state?.terminated) row.reason = terminatedReason(s.state.terminated, "");
      else if (s.ready && s.state?.running) {
        running = true;
        row.ready++;
      }
    }
    if (row.reason === "Completed" && running) {
      row.reason = (st.conditions ?? []).some((c: any) => c.type === "Ready" && c.status === "True") ? "Running" : "NotReady";
    }
  }

  if (p.metadata.deletionTimestamp && st.reason === "NodeLost") row.reason = "Unknown";
  else if (p.metadata.deletionTimestamp && st.phase !== "Succeeded" && st.phase !== "Failed") row.reason = "Terminating";
  return row;
}

const rows = new WeakMap<KubeObj, PodRow>();
const summary = (p: KubeObj) => {
  let r = rows.get(p);
  if (!r) rows.set(p, (r = summarize(p)));
  return r;
};

function readinessGates(p: KubeObj): string {
  const gates: any[] = p.spec?.readinessGates ?? [];
  if (!gates.length) return "<none>";
  const conds: any[] = p.status?.conditions ?? [];
  const met = gates.filter((g) => conds.find((c) => c.type === g.conditionType)?.status === "True").length;
  return `${met}/${gates.length}`;
}

export const podColumns: Column[] = [
  name,
  col("Ready", (p) => `${summary(p).ready}/${summary(p).total}`),
  col("Status", (p) => summary(p).reason),
  col("Restarts", (p, now) => {
    const { restarts, lastRestart } = summary(p);
    return restarts && lastRestart ? `${restarts} (${humanDuration(now - lastRestart)} ago)` : String(restarts);
  }),
  age,
  col("IP", (p) => none(p.status?.podIPs?.[0]?.ip ?? p.status?.podIP), { priority: 1 }),
  col("Node", (p) => none(p.spec?.nodeName), { priority: 1 }),
  col("Nominated Node", (p) => none(p.status?.nominatedNodeName), { priority: 1 }),
  col("Readiness Gates", readinessGates, { priority: 1 }),
];
