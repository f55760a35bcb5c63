import { Ajv, type ErrorObject, type ValidateFunction } from "ajv";
import type { JsonSchema } from "./json-schema.js";

export interface SchemaProblem {
  /** Path inside the validated value. */
  path: (string | number)[];
  /** For an unknown field, its key; the location then points at the key. */
  unknownKey?: string;
  message: string;
}

let ajv: Ajv | undefined;
const compiled = new WeakMap<object, ValidateFunction>();

function instance(): Ajv {
  ajv ??= new Ajv({ allErrors: true, useDefaults: true, strict: false, allowUnionTypes: true });
  return ajv;
}

/**
 * Validates `value` in place against `schema`, filling in schema defaults. Problems
 * come back as values so callers can attach the file, line and field.
 */
export function validateAgainst(schema: JsonSchema, value: unknown): SchemaProblem[] {
  let fn = compiled.get(schema);
  if (!fn) {
    const { $id: _id, ...rest } = schema;
    fn = instance().compile(rest);
    compiled.set(schema, fn);
  }
  if (fn(value)) return [];
  return dedupe((fn.errors ?? []).map(toProblem));
}

function toProblem(e: ErrorObject): SchemaProblem {
  const path = e.instancePath
    .split("/")
    .slice(1)
    .map((s) => s.replace(/~1/g, "/").replace(/~0/g, "~"))
    .map((s) => (/^\d+$/.test(s) ? Number(s) : s));
  switch (e.keyword) {
    case "additionalProperties": {
      const key = String((e.params as { additionalProperty: string }).additionalProperty);
      return { path: [...path, key], unknownKey: key, message: `unknown field "${key}"` };
    }
    case "required":
      return { path: [...path, (e.params as { missingProperty: string }).missingProperty], message: "required field is missing" };
    case "enum":
      return { path, message: `must be one of ${(e.params as { allowedValues: unknown[] }).allowedValues.map((v) => JSON.stringify(v)).join(", ")}` };
    case "const":
      return { path, message: `must be ${JSON.stringify((e.params as { allowedValue: unknown }).allowedValue)}` };
    default:
      return { path, message: e.message ?? "is invalid" };
  }
}

function dedupe(ps: SchemaProblem[]): SchemaProblem[] {
  const seen = new Set<string>();
  // anyOf/oneOf branches repeat themselves; keep the first word on each field.
  return ps.filter((p) => {
    const k = p.path.join("/") + "|" + (p.unknownKey ?? "");
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}
