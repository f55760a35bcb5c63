import type { KubeObj } from "../registry/strategy.js";

/** A Table column: its definition and how a row's cell is read from the object. */
export interface Column {
  name: string;
  type: "string" | "integer" | "number" | "boolean" | "date";
  format?: string;
  priority?: number;
  cell(o: KubeObj, now: number): unknown;
}

/** Upstream's HumanDuration, the AGE column's form. */
export function humanDuration(ms: number): string {
  const s = Math.floor(ms / 1000);
  if (s < -1) return "<invalid>";
  if (s < 0) return "0s";
  if (s < 120) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 10) return s % 60 === 0 ? `${m}m` : `${m}m${s % 60}s`;
  if (m < 180) return `${m}m`;
  const h = Math.floor(m / 60);
  if (h < 8) return m % 60 === 0 ? `${h}h` : `${h}h${m % 60}m`;
  if (h < 48) return `${h}h`;
  if (h < 24 * 8) return h % 24 === 0 ? `${Math.floor(h / 24)}d` : `${Math.floor(h / 24)}d${h % 24}h`;
  if (h < 24 * 365 * 2) return `${Math.floor(h / 24)}d`;
  const y = Math.floor(h / 24 / 365);
  if (y < 8) return `${y}y${Math.floor((h / 24) % 365)}d`;
  return `${y}y`;
}

export const name: Column = { name: "Name", type: "string", format: "name", cell: (o) => o.metadata.name };
export const age: Column = {
  name: "Age",
  type: "string",
  cell: (o, now) => (o.metadata.creationTimestamp ? humanDuration(now - Date.parse(o.metadata.creationTimestamp)) : "<unknown>"),
};
export const col = (n: string, cell: Column["cell"], extra: Partial<Column> = {}): Column => ({ name: n, type: "string", cell, ...extra });
export const none = (v: unknown) => (v === undefined || v === null || v === "" ? "<none>" : v);
/** Go's printBoolPtr: True, False, or <unset>. */
export const boolPtr = (v: unknown) => (v === undefined || v === null ? "<unset>" : v ? "True" : "False");
/** Upstream's FormatLabelSelector: requirements sorted by key, `<none>` when empty. */
export function selector(sel: any): string {
  if (!sel) return "<none>";
  const structured = "matchLabels" in sel || "matchExpressions" in sel;
  const labels: Record<string, string> = structured ? (sel.matchLabels ?? {}) : sel;
  const reqs: [string, string][] = Object.entries(labels).map(([k, v]) => [k, `${k}=${v}`]);
  for (const e of structured ? (sel.matchExpressions ?? []) : []) {
    const values = [...(e.values ?? [])].sort().join(",");
    const text = { In: `${e.key} in (${values})`, NotIn: `${e.key} notin (${values})`, Exists: e.key, DoesNotExist: `!${e.key}` }[e.operator as string] ?? `${e.key} ${e.operator}`;
    reqs.push([e.key, text]);
  }
  return reqs.sort((a, b) => a[0].localeCompare(b[0])).map((r) => r[1]).join(",") || "<none>";
}

/** Upstream's listWithMoreString: the first three, then how many more. */
export function firstThree(list: string[], empty: string): string {
  if (!list.length) return empty;
  return list.length > 3 ? `${list.slice(0, 3).join(",")} + ${list.length - 3} more...` : list.join(",");
}

/** net.JoinHostPort: IPv6 addresses in brackets. */
export const hostPort = (ip: string, port: number | string) => (ip.includes(":") ? `[${ip}]:${port}` : `${ip}:${port}`);
