import { isDeepStrictEqual } from "node:util";
import { FieldSet, type Path } from "./fieldset.js";
import { identity, type ManagerEntry } from "./managed-fields.js";
import type { ApplySchema } from "./schema.js";
import { compare, merge, removeFields, toFieldSet } from "./typed.js";
import { applyConflictError, type Conflict } from "./conflicts.js";

/** Who writes, through what, and which fields the write's endpoint may own. */
export interface WriteScope {
  schema: ApplySchema;
  /** apiVersion the entries record, e.g. `apps/v1`. */
  apiVersion: string;
  manager: string;
  subresource?: string;
  /** The resource has a status subresource: its main endpoint owns no status, /status owns nothing else. */
  hasStatus: boolean;
  now: string;
}

/** Fields no manager owns: identity and server-set metadata (upstream's strip set). */
const STRIPPED_TOP = new Set(["f:apiVersion", "f:kind", "f:metadata"]);
const STRIPPED_META = new Set(["name", "namespace", "creationTimestamp", "selfLink", "uid", "generation", "resourceVersion", "managedFields"].map((f) => `f:${f}`));

function ownable(scope: WriteScope): (p: Path) => boolean {
  return (p) => {
    if (p.length === 1 && STRIPPED_TOP.has(p[0]!)) return false;
    if (p[0] === "f:metadata" && (p[1] === "f:managedFields" || (p.length === 2 && STRIPPED_META.has(p[1]!)))) return false;
    if (scope.subresource === "status") return p[0] === "f:status";
    if (scope.hasStatus && scope.subresource === undefined) return p[0] !== "f:status";
    return true;
  };
}

function entryFor(entries: ManagerEntry[], scope: WriteScope, operation: "Apply" | "Update"): ManagerEntry {
  const want = { manager: scope.manager, operation, apiVersion: scope.apiVersion, ...(scope.subresource ? { subresource: scope.subresource } : {}) };
  const found = entries.find((e) => identity(e) === identity(want));
  if (found) return found;
  const created: ManagerEntry = { ...want, set: new FieldSet() };
  entries.push(created);
  return created;
}

const cloneEntries = (entries: readonly ManagerEntry[]) => entries.map((e) => ({ ...e }));

/**
 * Records an Update (create, update, patch): the fields the write added or changed move
 * to its manager from everyone else, and removed fields leave every set.
 */
export function trackUpdate(old: unknown, next: unknown, entries: readonly ManagerEntry[], scope: WriteScope): ManagerEntry[] {
  const out = cloneEntries(entries);
  const cmp = compare(old, next, scope.schema);
  const changed = cmp.added.union(cmp.modified).filter(ownable(scope));
  for (const e of out) e.set = e.set.difference(changed).difference(cmp.removed);
  if (!changed.empty()) {
    const mine = entryFor(out, scope, "Update");
    mine.set = mine.set.union(changed);
    mine.time = scope.now;
  }
  return out.filter((e) => !e.set.empty());
}

/**
 * Server-side apply: merges the configuration into the live object, prunes what this
 * manager applied before and no longer applies (unless someone else owns it), and refuses
 * to change fields other managers own unless forced, which takes them over.
 */
export function applyConfig(
  live: Record<string, unknown> | undefined,
  config: Record<string, unknown>,
  entries: readonly ManagerEntry[],
  scope: WriteScope & { force: boolean },
): { object: Record<string, unknown>; entries: ManagerEntry[] } {
  const keep = ownable(scope);
  const out = cloneEntries(entries);
  // An object written before anyone tracked fields: what it holds belongs to a placeholder manager.
  if (live && !out.length) {
    out.push({ manager: "before-first-apply", operation: "Update", apiVersion: scope.apiVersion, set: toFieldSet(withoutManaged(live), scope.schema).filter(keep) });
  }
  let merged = merge(live ?? {}, config, scope.schema) as Record<string, unknown>;
  const mine = entryFor(out, scope, "Apply");
  const lastSet = mine.set;
  mine.set = toFieldSet(config, scope.schema).filter(keep);
  if (!lastSet.empty()) {
    const owned = out.reduce((acc, e) => acc.union(e.set), new FieldSet());
    merged = removeFields(merged, lastSet.difference(owned), owned, scope.schema) as Record<string, unknown>;
  }
  const cmp = compare(live ?? {}, merged, scope.schema);
  const changed = cmp.added.union(cmp.modified).filter(keep);
  const conflicts: Conflict[] = [];
  for (const e of out) {
    if (e === mine) continue;
    for (const path of e.set.intersection(changed).paths()) conflicts.push({ owner: e, path });
  }
  if (conflicts.length && !scope.force) throw applyConflictError(conflicts);
  for (const e of out) if (e !== mine) e.set = e.set.difference(changed).difference(cmp.removed);
  if (!isDeepStrictEqual(withoutManaged(live ?? {}), withoutManaged(merged)) || !mine.time) mine.time = scope.now;
  return { object: merged, entries: out.filter((e) => !e.set.empty()) };
}

function withoutManaged(o: Record<string, unknown>): Record<string, unknown> {
  const meta = o.metadata as Record<string, unknown> | undefined;
  if (!meta || !("managedFields" in meta)) return o;
  const { managedFields: _m, ...rest } = meta;
  return { ...o, metadata: rest };
}
