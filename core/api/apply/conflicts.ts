import { StatusError, type FieldCause } from "../status.js";
import { pathString, type Path } from "./fieldset.js";
import type { ManagerEntry } from "./managed-fields.js";

export interface Conflict {
  owner: ManagerEntry;
  path: Path;
}

/** How upstream names a manager in conflict messages: `"kubectl" with subresource "scale" using apps/v1`. */
function ownerName(e: ManagerEntry): string {
  let s = JSON.stringify(e.manager);
  if (e.subresource) s += ` with subresource ${JSON.stringify(e.subresource)}`;
  if (e.operation === "Update") s += ` using ${e.apiVersion}`;
  return s;
}

/** The 409 an apply answers when other managers own fields it would change. */
export function applyConflictError(conflicts: readonly Conflict[]): StatusError {
  const causes: FieldCause[] = conflicts.map((c) => ({ reason: "FieldManagerConflict", message: `conflict with ${ownerName(c.owner)}`, field: pathString(c.path) }));
  let message: string;
  if (conflicts.length === 1) {
    message = `Apply failed with 1 conflict: conflict with ${ownerName(conflicts[0]!.owner)}: ${pathString(conflicts[0]!.path)}`;
  } else {
    const byOwner = new Map<string, string[]>();
    for (const c of conflicts) {
      const name = ownerName(c.owner);
      byOwner.set(name, [...(byOwner.get(name) ?? []), `- ${pathString(c.path)}`]);
    }
    const lines = [...byOwner.keys()].sort().flatMap((o) => [`conflicts with ${o}:`, ...byOwner.get(o)!]);
    message = `Apply failed with ${conflicts.length} conflicts: ${lines.join("\n")}`;
  }
  return new StatusError({ kind: "Status", apiVersion: "v1", metadata: {}, status: "Failure", message, reason: "Conflict", details: { causes }, code: 409 });
}
