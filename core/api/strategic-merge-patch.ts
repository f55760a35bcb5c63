import { definition, type DefinitionSchema } from "./schema/kubernetes-schemas.js";

type Json = unknown;
type Obj = Record<string, Json>;

const isObj = (v: Json): v is Obj => typeof v === "object" && v !== null && !Array.isArray(v);

function resolve(s: DefinitionSchema | undefined): DefinitionSchema | undefined {
  let cur = s;
  for (let i = 0; cur?.ref && i < 10; i++) cur = definition(cur.ref);
  return cur;
}

function propertySchema(s: DefinitionSchema | undefined, key: string): DefinitionSchema | undefined {
  const r = resolve(s);
  if (!r) return undefined;
  if (r.properties?.[key]) return r.properties[key];
  if (typeof r.additionalProperties === "object") return r.additionalProperties;
  return undefined;
}

export class StrategicMergeError extends Error {
  override name = "StrategicMergeError";
}

/**
 * Strategic merge patch as the Kubernetes API applies it to built-in kinds: maps merge,
 * null deletes, lists follow their field's patch strategy and merge key, and the
 * `$patch`, `$retainKeys`, `$setElementOrder/…` and `$deleteFromPrimitiveList/…`
 * directives are honoured.
 */
export function applyStrategicMergePatch(original: Json, patch: Json, definitionName: string): Json {
  return mergeMap(isObj(original) ? original : {}, patch, { ref: definitionName });
}

function mergeMap(original: Obj, patch: Json, schema: DefinitionSchema | undefined): Json {
  if (!isObj(patch)) throw new StrategicMergeError("a strategic merge patch must be an object");
  const directive = patch.$patch;
  if (directive === "replace") return stripDirectives(patch);
  if (directive === "delete") return undefined;
  if (directive !== undefined && directive !== "merge") throw new StrategicMergeError(`unknown patch type: ${String(directive)}`);
  const out: Obj = { ...original };
  const orders: Record<string, Json[]> = {};
  for (const [key, value] of Object.entries(patch)) {
    if (key === "$patch" || key === "$retainKeys") continue;
    if (key.startsWith("$setElementOrder/")) {
      orders[key.slice("$setElementOrder/".length)] = value as Json[];
      continue;
    }
    if (key.startsWith("$deleteFromPrimitiveList/")) {
      const field = key.slice("$deleteFromPrimitiveList/".length);
      const drop = new Set((value as Json[]).map((x) => JSON.stringify(x)));
      if (Array.isArray(out[field])) out[field] = (out[field] as Json[]).filter((x) => !drop.has(JSON.stringify(x)));
      continue;
    }
    if (value === null) {
      delete out[key];
      continue;
    }
    const ps = propertySchema(schema, key);
    const current = out[key];
    if (Array.isArray(value)) out[key] = mergeList(Array.isArray(current) ? current : [], value, ps);
    else if (isObj(value)) {
      const merged = mergeMap(isObj(current) ? current : {}, value, ps);
      if (merged === undefined) delete out[key];
      else out[key] = merged;
    } else out[key] = value;
  }
  for (const [field, order] of Object.entries(orders)) {
    if (Array.isArray(out[field])) out[field] = reorder(out[field] as Json[], order, resolve(propertySchema(schema, field))?.["x-kubernetes-patch-merge-key"] as string | undefined);
  }
  if (Array.isArray(patch.$retainKeys)) {
    const keep = new Set(patch.$retainKeys as string[]);
    for (const k of Object.keys(out)) if (!keep.has(k)) delete out[k];
  }
  return out;
}

function mergeList(original: Json[], patch: Json[], schema: DefinitionSchema | undefined): Json[] {
  const strategy = String(schema?.["x-kubernetes-patch-strategy"] ?? "");
  const key = schema?.["x-kubernetes-patch-merge-key"] as string | undefined;
  if (!strategy.split(",").includes("merge")) {
    // Without a strategy a list is replaced whole; `$patch: replace` items say the same.
    return patch.filter((x) => !(isObj(x) && x.$patch === "replace")).map(stripDirectives);
  }
  if (patch.some((x) => isObj(x) && x.$patch === "replace")) return patch.filter((x) => !(isObj(x) && x.$patch === "replace")).map(stripDirectives);
  if (!key) {
    const seen = new Set(original.map((x) => JSON.stringify(x)));
    return [...original, ...patch.filter((x) => !seen.has(JSON.stringify(x)))];
  }
  const items = schema?.items;
  const out = [...original];
  for (const p of patch) {
    if (!isObj(p)) throw new StrategicMergeError(`list items of a merge list keyed by ${key} must be objects`);
    const idx = out.findIndex((o) => isObj(o) && o[key] === p[key]);
    if (p.$patch === "delete") {
      for (let i = out.length - 1; i >= 0; i--) if (isObj(out[i]) && (out[i] as Obj)[key] === p[key]) out.splice(i, 1);
      continue;
    }
    if (idx >= 0) out[idx] = mergeMap(out[idx] as Obj, p, items);
    else out.push(mergeMap({}, p, items));
  }
  return out;
}

function reorder(list: Json[], order: Json[], key: string | undefined): Json[] {
  const id = (x: Json) => (key && isObj(x) ? JSON.stringify(x[key]) : JSON.stringify(x));
  const rank = new Map(order.map((o, i) => [id(o), i]));
  const ranked = list.filter((x) => rank.has(id(x))).sort((a, b) => rank.get(id(a))! - rank.get(id(b))!);
  const rest = list.filter((x) => !rank.has(id(x)));
  return [...ranked, ...rest];
}

function stripDirectives(v: Json): Json {
  if (Array.isArray(v)) return v.map(stripDirectives);
  if (!isObj(v)) return v;
  return Object.fromEntries(Object.entries(v).filter(([k]) => !k.startsWith("$")).map(([k, x]) => [k, stripDirectives(x)]));
}
