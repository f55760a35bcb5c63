import type { ConfigAdapter, PluginCatalog } from "../kernel/component.js";
import { ErrorCodes, KitbashError, type SourceLocation } from "../kernel/errors.js";
import { applyPluginSet, type PlacedPlugin } from "./plugin-set.js";
import { locate, type Layer } from "./source.js";
import { formatPath, type ComponentProfile, type FieldPath, type PluginConfigEntry, type ProfileDocument } from "./types.js";

export interface Origin {
  layer: Layer;
  path: FieldPath;
}

/**
 * The profile every layer merged into, in explicit form: each plugin set is written
 * as `disabled: [*]` plus the final `enabled` list, so the document alone resolves
 * to the same plan. `where` traces any field back to the layer that wrote it.
 */
export interface MergedProfile {
  doc: ProfileDocument;
  origins: Map<string, Origin>;
  problems: KitbashError[];
  where(path: FieldPath): SourceLocation;
}

const SPECIAL = new Set(["plugins", "pluginConfig", "config"]);

/**
 * Merge rules (docs/profiles.md): mappings merge key by key, a later scalar or
 * list replaces an earlier one, `null` deletes a key; `packages` is a union in
 * order; `extends` is consumed; plugin sets follow mergePluginSet layer by layer;
 * `pluginConfig` entries merge by plugin name, a later entry's args replacing the
 * earlier args whole; embedded config kinds merge like mappings.
 */
export function mergeLayers(
  layers: Layer[],
  adapters: (component: string) => readonly ConfigAdapter[],
  catalog: (component: string) => PluginCatalog = () => ({ serves: () => undefined, names: () => [] }),
): MergedProfile {
  const origins = new Map<string, Origin>();
  const problems: KitbashError[] = [];
  const doc: Record<string, unknown> = { apiVersion: "kitbash.io/v1alpha1", kind: "Profile" };
  const sets = new Map<string, PlacedPlugin<Origin>[]>(); // "component/point"
  const configs = new Map<string, Map<string, { entry: PluginConfigEntry; origin: Origin }>>();
  const packages: string[] = [];

  const record = (path: FieldPath, layer: Layer, lpath: FieldPath) => origins.set(formatPath(path), { layer, path: lpath });

  for (const layer of layers) {
    const data = layer.data as Partial<ProfileDocument> & Record<string, unknown>;
    for (const [key, value] of Object.entries(data)) {
      if (key === "extends") continue;
      if (key === "packages" && Array.isArray(value)) {
        value.forEach((p, i) => {
          if (!packages.includes(p as string)) {
            packages.push(p as string);
            record(["packages", packages.length - 1], layer, ["packages", i]);
          }
        });
        continue;
      }
      if (key === "components" && value && typeof value === "object") {
        const comps = (doc.components ??= {}) as Record<string, Record<string, unknown>>;
        for (const [cname, craw] of Object.entries(value as Record<string, ComponentProfile | null>)) {
          const cpath: FieldPath = ["components", cname];
          if (craw === null) {
            delete comps[cname];
            continue;
          }
          const target = (comps[cname] ??= {});
          record(cpath, layer, cpath);
          const plain = Object.fromEntries(Object.entries(craw).filter(([k]) => !SPECIAL.has(k)));
          deepMerge(target, plain, cpath, layer, record);
          // Embedded upstream kinds first, so the same layer's explicit plugin sets win over them.
          if (craw.config) {
            const cfgTarget = (target.config ??= {}) as Record<string, unknown>;
            deepMerge(cfgTarget, craw.config, [...cpath, "config"], layer, record);
            for (const adapter of adapters(cname)) {
              const embedded = craw.config[adapter.key];
              if (!embedded) continue;
              const at: FieldPath = [...cpath, "config", adapter.key];
              if (embedded.apiVersion !== adapter.apiVersion || embedded.kind !== adapter.kind) {
                problems.push(
                  new KitbashError(ErrorCodes.CONFIG, `expected ${adapter.kind} of ${adapter.apiVersion}, found ${String(embedded.kind)} of ${String(embedded.apiVersion)}`, {
                    field: formatPath(at),
                    location: locate(layer, at),
                  }),
                );
                continue;
              }
              const derived = adapter.toPluginSets(embedded, catalog(cname));
              for (const p of derived.problems ?? []) {
                const path = [...at, ...p.path];
                problems.push(new KitbashError(ErrorCodes.CONFIG, p.message, { field: formatPath(path), location: locate(layer, path), ...(p.hint ? { hint: p.hint } : {}) }));
              }
              for (const [point, set] of Object.entries(derived.plugins ?? {})) {
                applySet(cname, point, set, layer, at);
              }
              for (const pc of derived.pluginConfig ?? []) putConfig(cname, pc as PluginConfigEntry, { layer, path: at });
            }
          }
          for (const [point, set] of Object.entries(craw.plugins ?? {})) {
            applySet(cname, point, set ?? {}, layer, [...cpath, "plugins", point]);
          }
          const seen = new Set<string>();
          (craw.pluginConfig ?? []).forEach((pc, i) => {
            const at: FieldPath = [...cpath, "pluginConfig", i];
            if (seen.has(pc.name)) {
              problems.push(new KitbashError(ErrorCodes.CONFIG, `plugin ${pc.name} is configured twice`, { field: formatPath(at), location: locate(layer, at) }));
              return;
            }
            seen.add(pc.name);
            putConfig(cname, pc, { layer, path: at });
          });
        }
        continue;
      }
      if (value === null) {
        delete doc[key];
        continue;
      }
      if (isPlainObject(value) && isPlainObject(doc[key])) deepMerge(doc[key] as Record<string, unknown>, value, [key], layer, record);
      else {
        doc[key] = clone(value);
        record([key], layer, [key]);
      }
    }
  }

  function applySet(component: string, point: string, set: { enabled?: any[]; disabled?: any[] }, layer: Layer, at: FieldPath) {
    const key = `${component}/${point}`;
    const { result, problems: p } = applyPluginSet<Origin>(sets.get(key) ?? [], set, (list, i) => ({ layer, path: [...at, list, i] }));
    sets.set(key, result);
    for (const prob of p) {
      problems.push(new KitbashError(ErrorCodes.CONFIG, prob.message, { field: formatPath(prob.origin.path), location: locate(prob.origin.layer, prob.origin.path) }));
    }
  }

  function putConfig(component: string, entry: PluginConfigEntry, origin: Origin) {
    let m = configs.get(component);
    if (!m) configs.set(component, (m = new Map()));
    m.set(entry.name, { entry: { name: entry.name, ...(entry.args !== undefined ? { args: clone(entry.args) } : {}) }, origin });
  }

  const comps = (doc.components ?? {}) as Record<string, ComponentProfile>;
  for (const [key, placed] of sets) {
    const [cname, point] = key.split("/") as [string, string];
    if (!comps[cname]) continue;
    const plugins = (comps[cname].plugins ??= {});
    plugins[point] = {
      disabled: [{ name: "*" }],
      enabled: placed.map((p) => ({ name: p.name, ...(p.weight !== undefined ? { weight: p.weight } : {}) })),
    };
    placed.forEach((p, i) => origins.set(formatPath(["components", cname, "plugins", point, "enabled", i]), p.origin));
  }
  for (const [cname, m] of configs) {
    if (!comps[cname]) continue;
    const list = [...m.values()];
    comps[cname].pluginConfig = list.map((v) => v.entry);
    list.forEach((v, i) => origins.set(formatPath(["components", cname, "pluginConfig", i]), v.origin));
  }
  if (packages.length) doc.packages = packages;

  const where = (path: FieldPath): SourceLocation => {
    for (let n = path.length; n >= 0; n--) {
      const o = origins.get(formatPath(path.slice(0, n)));
      if (o) return locate(o.layer, [...o.path, ...path.slice(n)]);
    }
    const last = layers[layers.length - 1];
    return last ? locate(last, path) : { file: "<profile>" };
  };
  return { doc: doc as unknown as ProfileDocument, origins, problems, where };
}

function deepMerge(
  target: Record<string, unknown>,
  src: Record<string, unknown>,
  path: FieldPath,
  layer: Layer,
  record: (path: FieldPath, layer: Layer, lpath: FieldPath) => void,
): void {
  for (const [k, v] of Object.entries(src)) {
    const p = [...path, k];
    if (v === null) {
      delete target[k];
    } else if (isPlainObject(v) && isPlainObject(target[k])) {
      record(p, layer, p);
      deepMerge(target[k] as Record<string, unknown>, v, p, layer, record);
    } else {
      target[k] = clone(v);
      record(p, layer, p);
    }
  }
}

export function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

export function clone<T>(v: T): T {
  return v === undefined ? v : structuredClone(v);
}
