import { definition, type DefinitionSchema } from "../../api/schema/kubernetes-schemas.js";
import { omitRule } from "../../api/schema/omitempty.js";

const isEmpty = (v: unknown) =>
  v === false || v === 0 || v === "" || (Array.isArray(v) && v.length === 0) || (v !== null && typeof v === "object" && !Array.isArray(v) && Object.keys(v).length === 0);

/**
 * Leaves out of a built-in object what upstream's Go round trip (decode, then encode)
 * leaves out: empty values of omitempty non-pointer fields (`paused: false`,
 * `labels: {}`, `tolerations: []`) and nulls of omitempty pointers. A pointer's explicit
 * zero (`replicas: 0`) stays. The object is changed in place.
 */
export function dropOmittedEmpty(obj: Record<string, unknown>, definitionName: string): void {
  walk(obj, { ref: definitionName });
}

function walk(v: unknown, schema: DefinitionSchema): void {
  if (v === null || typeof v !== "object") return;
  let s = schema;
  let name: string | undefined;
  for (let i = 0; s.ref && i < 10; i++) {
    name = s.ref;
    s = definition(s.ref) ?? {};
  }
  if (Array.isArray(v)) {
    if (s.items) for (const x of v) walk(x, s.items);
    return;
  }
  const o = v as Record<string, unknown>;
  if (s.properties) {
    for (const k of Object.keys(o)) {
      const rule = name ? omitRule(name, k) : undefined;
      if (rule && (o[k] === null || (rule === "e" && isEmpty(o[k])))) delete o[k];
      else if (s.properties[k]) walk(o[k], s.properties[k]);
    }
  } else if (s.additionalProperties && typeof s.additionalProperties === "object") {
    for (const k of Object.keys(o)) walk(o[k], s.additionalProperties);
  }
}
