import { readFileSync } from "node:fs";
import { join } from "node:path";
import { packageRoot } from "../../kernel/package-root.js";

/**
 * What Go's JSON encoding leaves out of a built-in kind's field (schemas/kubernetes/
 * omitempty.json, derived by scripts/derive-omitempty.mjs): "e" when zero or empty (a
 * non-pointer omitempty scalar, string, slice or map), "n" when null (an omitempty
 * pointer). Fields it does not name are written as they are.
 */
export type OmitRule = "e" | "n";

let table: Record<string, Record<string, OmitRule>> | undefined;

/** The rule of a field of a definition (`io.k8s.api.apps.v1.DeploymentSpec`, `paused`). */
export function omitRule(definitionName: string, field: string): OmitRule | undefined {
  table ??= (JSON.parse(readFileSync(join(packageRoot(), "schemas", "kubernetes", "omitempty.json"), "utf8")) as { messages: Record<string, Record<string, OmitRule>> }).messages;
  // Definitions are named io.k8s.<path>; the messages the facts are keyed by, k8s.io.<path>.
  return table[`k8s.io.${definitionName.slice("io.k8s.".length)}`]?.[field];
}
