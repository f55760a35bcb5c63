import { FieldSet, FieldSetError } from "./fieldset.js";

export type Operation = "Apply" | "Update";

/** One manager's entry of `metadata.managedFields`, its field set decoded. */
export interface ManagerEntry {
  manager: string;
  operation: Operation;
  apiVersion: string;
  time?: string;
  subresource?: string;
  set: FieldSet;
}

export class ManagedFieldsError extends Error {
  override name = "ManagedFieldsError";
}

/**
 * Who an entry is, as upstream identifies managers: appliers by name (and subresource)
 * whatever version they applied, updaters by name, version and subresource.
 */
export function identity(e: Pick<ManagerEntry, "manager" | "operation" | "apiVersion" | "subresource">): string {
  return JSON.stringify([e.manager, e.operation, e.operation === "Apply" ? "" : e.apiVersion, e.subresource ?? ""]);
}

export function decodeManagedFields(raw: unknown): ManagerEntry[] {
  if (raw === undefined || raw === null) return [];
  if (!Array.isArray(raw)) throw new ManagedFieldsError("metadata.managedFields must be a list");
  return raw.map((e, i) => {
    const at = `metadata.managedFields[${i}]`;
    if (typeof e !== "object" || e === null || Array.isArray(e)) throw new ManagedFieldsError(`${at} must be an object`);
    const op = e.operation ?? "Update";
    if (op !== "Apply" && op !== "Update") throw new ManagedFieldsError(`${at}.operation: must be Apply or Update, not ${JSON.stringify(op)}`);
    if (e.fieldsType !== undefined && e.fieldsType !== "FieldsV1") throw new ManagedFieldsError(`${at}.fieldsType: must be FieldsV1, not ${JSON.stringify(e.fieldsType)}`);
    let set: FieldSet;
    try {
      set = FieldSet.fromFieldsV1(e.fieldsV1 ?? {}, `${at}.fieldsV1`);
    } catch (err) {
      if (err instanceof FieldSetError) throw new ManagedFieldsError(err.message);
      throw err;
    }
    return {
      manager: String(e.manager ?? ""),
      operation: op,
      apiVersion: String(e.apiVersion ?? ""),
      ...(e.time ? { time: String(e.time) } : {}),
      ...(e.subresource ? { subresource: String(e.subresource) } : {}),
      set,
    };
  });
}

const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** Upstream's entry order: appliers first, then by time, manager, apiVersion and subresource. */
function entryOrder(a: ManagerEntry, b: ManagerEntry): number {
  return cmp(a.operation, b.operation) || cmp(a.time ?? "", b.time ?? "") || cmp(a.manager, b.manager) || cmp(a.apiVersion, b.apiVersion) || cmp(a.subresource ?? "", b.subresource ?? "");
}

/** Entries in upstream's order and field order; managers that own nothing are left out. */
export function encodeManagedFields(entries: readonly ManagerEntry[]): Record<string, unknown>[] {
  return entries
    .filter((e) => !e.set.empty())
    .sort(entryOrder)
    .map((e) => ({
      manager: e.manager,
      operation: e.operation,
      apiVersion: e.apiVersion,
      ...(e.time ? { time: e.time } : {}),
      fieldsType: "FieldsV1",
      fieldsV1: e.set.toFieldsV1(),
      ...(e.subresource ? { subresource: e.subresource } : {}),
    }));
}

/** The manager a write is recorded under: `fieldManager`, else the User-Agent's program name. */
export function managerName(fieldManager: string | undefined, userAgent: string | undefined): string {
  if (fieldManager) return fieldManager;
  const agent = (userAgent ?? "").split("/")[0]!.trim();
  return agent || "unknown";
}
