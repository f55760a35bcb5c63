import { isDeepStrictEqual } from "node:util";
import { FieldSet, type Path } from "./fieldset.js";
import type { ApplySchema } from "./schema.js";
import { indexItems, isObj, itemElement, shapeOf, type Obj } from "./elements.js";

/**
 * The fields a value sets (upstream's ToFieldSet): every leaf, every item of a granular
 * list, every entry of a map that is not a declared field, and empty maps.
 */
export function toFieldSet(value: unknown, schema: ApplySchema): FieldSet {
  const set = new FieldSet();
  const walk = (v: unknown, s: ApplySchema, path: string[]) => {
    const shape = shapeOf(s, v);
    if (shape === "leaf") {
      if (path.length) set.insert(path);
      return;
    }
    if (shape === "list") {
      for (const [pe, item] of indexItems(s, v as unknown[], () => pathLabel(path))) {
        path.push(pe);
        set.insert(path);
        walk(item, s.item(), path);
        path.pop();
      }
      return;
    }
    const entries = Object.entries(v as Obj);
    if (!entries.length && path.length) set.insert(path);
    for (const [k, child] of entries) {
      path.push(`f:${k}`);
      walk(child, s.field(k), path);
      if (!s.declares(k)) set.insert(path);
      path.pop();
    }
  };
  walk(value, schema, []);
  return set;
}

export interface Comparison {
  added: FieldSet;
  modified: FieldSet;
  removed: FieldSet;
}

/**
 * What changed from `lhs` to `rhs` (upstream's Compare). A granular node that appears or
 * disappears whole counts itself too, except fields an empty built-in object already
 * carries (Go writes fields without omitempty), since upstream compares with one.
 */
export function compare(lhs: unknown, rhs: unknown, schema: ApplySchema): Comparison {
  const out: Comparison = { added: new FieldSet(), modified: new FieldSet(), removed: new FieldSet() };
  const leaf = (l: unknown, r: unknown, path: string[]) => {
    if (!path.length || isDeepStrictEqual(l, r)) return;
    if (l === undefined) out.added.insert(path);
    else if (r === undefined) out.removed.insert(path);
    else out.modified.insert(path);
  };
  const walk = (l: unknown, r: unknown, s: ApplySchema, path: string[], selfCounts: boolean) => {
    const ls = l === undefined ? undefined : shapeOf(s, l);
    const rs = r === undefined ? undefined : shapeOf(s, r);
    const shape = ls ?? rs;
    const emptyBoth = isEmpty(l) && isEmpty(r);
    if (shape === "leaf" || (ls && rs && ls !== rs) || emptyBoth) return leaf(l, r, path);
    if (shape === "list") {
      const li = indexItems(s, (l as unknown[]) ?? [], () => pathLabel(path));
      const ri = indexItems(s, (r as unknown[]) ?? [], () => pathLabel(path));
      for (const pe of new Set([...li.keys(), ...ri.keys()])) {
        path.push(pe);
        walk(li.get(pe), ri.get(pe), s.item(), path, true);
        path.pop();
      }
    } else {
      const lo = (l as Obj) ?? {};
      const ro = (r as Obj) ?? {};
      const visit = (k: string) => {
        path.push(`f:${k}`);
        walk(lo[k], ro[k], s.field(k), path, !s.presentWhenEmpty(k));
        path.pop();
      };
      for (const k in lo) visit(k);
      for (const k in ro) if (!Object.hasOwn(lo, k)) visit(k);
    }
    if (selfCounts && path.length) {
      if (l === undefined) out.added.insert(path);
      else if (r === undefined) out.removed.insert(path);
    }
  };
  walk(lhs, rhs, schema, [], false);
  return out;
}

/**
 * Merges an applied configuration into the live object (upstream's Merge): the
 * configuration's values win, granular maps merge, associative lists merge by key with the
 * configuration's order for shared items, atomic values are replaced whole.
 */
export function merge(live: unknown, config: unknown, schema: ApplySchema, path: string[] = []): unknown {
  if (config === undefined) return live;
  if (live === undefined || live === null) return config;
  const shape = shapeOf(schema, config);
  if (shape === "leaf" || shapeOf(schema, live) !== shape) return config;
  if (shape === "fields") {
    const out: Obj = { ...(live as Obj) };
    for (const [k, v] of Object.entries(config as Obj)) {
      if (v === null) delete out[k];
      else out[k] = merge(out[k], v, schema.field(k), [...path, `f:${k}`]);
    }
    return out;
  }
  const item = schema.item();
  const li = indexItems(schema, live as unknown[], () => pathLabel(path));
  const ri = indexItems(schema, config as unknown[], () => pathLabel(path));
  const rKeys = [...ri.keys()];
  const out: unknown[] = [];
  let r = 0;
  const emitUntilShared = () => {
    while (r < rKeys.length) {
      const pe = rKeys[r++]!;
      out.push(merge(li.get(pe), ri.get(pe), item, [...path, pe]));
      if (li.has(pe)) return;
    }
  };
  // Live-only items keep their place; shared ones come in the configuration's order.
  for (const pe of li.keys()) {
    if (!ri.has(pe)) out.push(li.get(pe));
    else emitUntilShared();
  }
  while (r < rKeys.length) emitUntilShared();
  return out;
}

/**
 * Removes the members of `drop` from a value: fields, map entries and list items. A field
 * with members of `owned` below it stays (someone still owns part of it); a list item
 * goes whole, as upstream prunes.
 */
export function removeFields(value: unknown, drop: FieldSet, owned: FieldSet, schema: ApplySchema): unknown {
  const walk = (v: unknown, s: ApplySchema, path: string[]): unknown => {
    const shape = shapeOf(s, v);
    if (shape === "fields") {
      const out: Obj = {};
      for (const [k, child] of Object.entries(v as Obj)) {
        const p = [...path, `f:${k}`];
        if (drop.has(p) && !owned.hasBelow(p)) continue;
        const next = walk(child, s.field(k), p);
        if (next !== undefined) out[k] = next;
      }
      // A map emptied by removals goes too, as Go's encoding would omit it.
      return Object.keys(out).length || !Object.keys(v as Obj).length || !path.length ? out : undefined;
    }
    if (shape === "list") {
      const out: unknown[] = [];
      (v as unknown[]).forEach((item, i) => {
        const p = [...path, itemElement(s, item, i)];
        if (drop.has(p)) return;
        out.push(walk(item, s.item(), p));
      });
      return out.length || !(v as unknown[]).length ? out : undefined;
    }
    return v;
  };
  return walk(value, schema, []);
}

function isEmpty(v: unknown): boolean {
  return v === undefined || v === null || (Array.isArray(v) && !v.length) || (isObj(v) && !Object.keys(v).length);
}

function pathLabel(path: Path): string {
  return path.map((pe) => pe.slice(2)).join(".") || "<root>";
}
