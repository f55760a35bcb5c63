import { definition, type DefinitionSchema } from "../../api/schema/kubernetes-schemas.js";

export interface TypeProblem {
  path: string;
  message: string;
}

/** What a walk over a built-in object found: wrong types (always errors) and unknown fields. */
export interface TypeCheck {
  typeErrors: TypeProblem[];
  unknownFields: string[];
}

const goType = (s: DefinitionSchema) => (s.format === "int32" ? "int32" : s.format === "int64" ? "int64" : s.type ?? "object");
const jsType = (v: unknown) => (v === null ? "null" : Array.isArray(v) ? "array" : typeof v);

/**
 * Checks a decoded body against its kind's definition as Go's JSON decoder would:
 * a value of the wrong type is an error; a field the type does not have is unknown
 * and is dropped (fieldValidation decides whether that is an error, a warning or
 * nothing). Metadata is walked too.
 */
export function checkTypes(obj: Record<string, unknown>, definitionName: string): TypeCheck {
  const out: TypeCheck = { typeErrors: [], unknownFields: [] };
  const def = definition(definitionName);
  if (def) walk(obj, def, "", out);
  return out;
}

function resolve(s: DefinitionSchema): DefinitionSchema {
  let cur = s;
  for (let i = 0; cur.ref && i < 10; i++) cur = definition(cur.ref) ?? {};
  return cur;
}

function walk(v: unknown, schema: DefinitionSchema, path: string, out: TypeCheck): unknown {
  const s = resolve(schema);
  if (v === null) return v; // JSON null leaves a Go field at its zero value
  if (s.format === "int-or-string") {
    if (typeof v !== "string" && !Number.isInteger(v)) out.typeErrors.push({ path, message: `json: cannot unmarshal ${jsType(v)} into Go struct field ${path} of type intstr.IntOrString` });
    return v;
  }
  if (s.format === "quantity" || (schema.ref ?? "").endsWith("resource.Quantity")) {
    if (typeof v !== "string" && typeof v !== "number") out.typeErrors.push({ path, message: `quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'` });
    return v;
  }
  const t = s.type ?? (s.properties ? "object" : undefined);
  const bad = () => out.typeErrors.push({ path, message: `json: cannot unmarshal ${jsType(v)} into Go struct field ${path || "object"} of type ${goType(s)}` });
  switch (t) {
    case "string":
      if (typeof v !== "string") bad();
      return v;
    case "integer":
      if (!Number.isInteger(v)) bad();
      return v;
    case "number":
      if (typeof v !== "number") bad();
      return v;
    case "boolean":
      if (typeof v !== "boolean") bad();
      return v;
    case "array":
      if (!Array.isArray(v)) {
        bad();
        return v;
      }
      if (s.items) v.forEach((x, i) => walk(x, s.items!, `${path}[${i}]`, out));
      return v;
    case "object": {
      if (jsType(v) !== "object") {
        bad();
        return v;
      }
      const o = v as Record<string, unknown>;
      if (s.properties) {
        for (const k of Object.keys(o)) {
          const p = s.properties[k];
          const fp = path ? `${path}.${k}` : k;
          if (p) walk(o[k], p, fp, out);
          else {
            out.unknownFields.push(fp);
            delete o[k];
          }
        }
      } else if (s.additionalProperties && typeof s.additionalProperties === "object") {
        for (const k of Object.keys(o)) walk(o[k], s.additionalProperties, `${path}.${k}`, out);
      }
      return v;
    }
    default:
      return v;
  }
}
