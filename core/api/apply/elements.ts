import type { ApplySchema } from "./schema.js";
import { keyDefault } from "./schema.js";

export type Obj = Record<string, unknown>;
export const isObj = (v: unknown): v is Obj => typeof v === "object" && v !== null && !Array.isArray(v);

export class ApplyTypeError extends Error {
  override name = "ApplyTypeError";
}

/** How a value is walked: its schema's kind, or what the value itself is when the schema is silent. */
export function shapeOf(schema: ApplySchema, value: unknown): "leaf" | "fields" | "list" {
  if (value === null || value === undefined) return "leaf";
  const kind = schema.kind();
  if (kind === "deduced") return isObj(value) ? "fields" : "leaf";
  if (schema.atomic()) return "leaf";
  if ((kind === "struct" || kind === "map") && isObj(value)) return "fields";
  if (kind === "list" && Array.isArray(value)) return "list";
  return "leaf";
}

/** The path element naming one item of a granular list: its keys, its value, or its index. */
export function itemElement(list: ApplySchema, item: unknown, index: number): string {
  if (list.listType() === "set") return `v:${JSON.stringify(item)}`;
  const keys = list.mapKeys();
  if (!keys.length || !isObj(item)) return `i:${index}`;
  // A key field absent and without a default is left out of the key, as upstream keys it.
  const key: Obj = {};
  for (const k of [...keys].sort()) {
    const v = item[k] ?? keyDefault(k);
    if (v !== undefined) key[k] = v;
  }
  if (!Object.keys(key).length) throw new ApplyTypeError("associative list with keys has an element that omits all key fields");
  return `k:${JSON.stringify(key)}`;
}

/** The items of a granular list by their path element, refusing duplicates as upstream does. */
export function indexItems(list: ApplySchema, items: unknown[], where: () => string): Map<string, unknown> {
  const out = new Map<string, unknown>();
  items.forEach((item, i) => {
    const pe = itemElement(list, item, i);
    if (out.has(pe)) throw new ApplyTypeError(`${where()}: duplicate entries for key ${pe.slice(2)}`);
    out.set(pe, item);
  });
  return out;
}
