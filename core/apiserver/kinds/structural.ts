import { fieldInvalid, fieldNotSupported, fieldRequired, type FieldCause } from "../../api/status.js";

type Schema = Record<string, any>;

const typeOf = (v: unknown) => (v === null ? "null" : Array.isArray(v) ? "array" : typeof v === "number" ? (Number.isInteger(v) ? "integer" : "number") : typeof v);

/**
 * Checks a custom resource against its CRD's structural schema and prunes fields the
 * schema does not know (unless it preserves unknown fields), as upstream does.
 * `metadata`, `apiVersion` and `kind` are the server's and are not checked here.
 */
export function validateStructural(obj: Record<string, any>, schema: Schema): FieldCause[] {
  const causes: FieldCause[] = [];
  const props = schema.properties ?? {};
  for (const [k, v] of Object.entries(obj)) {
    if (k === "metadata" || k === "apiVersion" || k === "kind") continue;
    if (props[k]) obj[k] = walk(v, props[k], k, causes);
    else if (!schema["x-kubernetes-preserve-unknown-fields"]) delete obj[k];
  }
  for (const r of schema.required ?? []) if (obj[r] === undefined && r !== "metadata" && r !== "apiVersion" && r !== "kind") causes.push(fieldRequired(r));
  return causes;
}

function walk(v: unknown, s: Schema, path: string, causes: FieldCause[]): unknown {
  if (v === null && s.nullable) return v;
  if (s["x-kubernetes-int-or-string"]) {
    if (typeof v !== "string" && !Number.isInteger(v)) causes.push(fieldInvalid(path, v, "must be an integer or a string"));
    return v;
  }
  const t = typeOf(v);
  const want = s.type as string | undefined;
  if (want && !(want === t || (want === "number" && t === "integer"))) {
    if (!(s["x-kubernetes-preserve-unknown-fields"] && !want)) {
      causes.push({ reason: "FieldValueTypeInvalid", field: path, message: `Invalid value: "${t}": ${path} in body must be of type ${want}: "${t}"` });
      return v;
    }
  }
  if (s.enum && !s.enum.some((e: unknown) => JSON.stringify(e) === JSON.stringify(v))) causes.push(fieldNotSupported(path, v, s.enum));
  if (typeof v === "number") {
    if (s.minimum !== undefined && v < s.minimum) causes.push(fieldInvalid(path, v, `${path} in body should be greater than or equal to ${s.minimum}`));
    if (s.maximum !== undefined && v > s.maximum) causes.push(fieldInvalid(path, v, `${path} in body should be less than or equal to ${s.maximum}`));
  }
  if (typeof v === "string") {
    if (s.maxLength !== undefined && v.length > s.maxLength) causes.push({ reason: "FieldValueTooLong", field: path, message: `Too long: may not be longer than ${s.maxLength}` });
    if (s.minLength !== undefined && v.length < s.minLength) causes.push(fieldInvalid(path, v, `${path} in body should be at least ${s.minLength} chars long`));
    if (s.pattern && !new RegExp(s.pattern, "u").test(v)) causes.push(fieldInvalid(path, v, `${path} in body should match '${s.pattern}'`));
  }
  if (t === "array" && s.items) {
    const arr = v as unknown[];
    if (s.maxItems !== undefined && arr.length > s.maxItems) causes.push({ reason: "FieldValueTooMany", field: path, message: `Too many: ${arr.length}: must have at most ${s.maxItems} items` });
    return arr.map((x, i) => walk(x, s.items, `${path}[${i}]`, causes));
  }
  if (t === "object" && !s["x-kubernetes-embedded-resource"]) {
    const o = v as Record<string, unknown>;
    const props = s.properties as Schema | undefined;
    const extra = s.additionalProperties;
    for (const [k, x] of Object.entries(o)) {
      if (props?.[k]) o[k] = walk(x, props[k], `${path}.${k}`, causes);
      else if (extra && typeof extra === "object") o[k] = walk(x, extra, `${path}.${k}`, causes);
      else if (!s["x-kubernetes-preserve-unknown-fields"] && extra !== true && props) delete o[k];
    }
    for (const r of s.required ?? []) if (o[r] === undefined) causes.push(fieldRequired(`${path}.${r}`));
  }
  return v;
}
