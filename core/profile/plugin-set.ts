import type { PluginSet } from "./types.js";

/** A plugin in place at a point, with the layer and field it came from. */
export interface PlacedPlugin<O> {
  name: string;
  weight?: number;
  origin: O;
}

export interface SetProblem<O> {
  message: string;
  origin: O;
}

/**
 * The scheduler's mergePluginSet, applied one layer at a time: `disabled` drops
 * entries (`*` drops all), then each `enabled` entry replaces a present one in
 * place (keeping its position) or is appended. Listing a name twice in one layer
 * is a problem.
 */
export function applyPluginSet<O>(
  current: PlacedPlugin<O>[],
  set: PluginSet,
  originOf: (list: "enabled" | "disabled", index: number) => O,
): { result: PlacedPlugin<O>[]; problems: SetProblem<O>[] } {
  const problems: SetProblem<O>[] = [];
  let result = [...current];
  for (const d of set.disabled ?? []) {
    result = d.name === "*" ? [] : result.filter((p) => p.name !== d.name);
  }
  const seen = new Set<string>();
  (set.enabled ?? []).forEach((e, i) => {
    const origin = originOf("enabled", i);
    if (seen.has(e.name)) {
      problems.push({ message: `plugin ${e.name} is listed twice`, origin });
      return;
    }
    seen.add(e.name);
    const placed: PlacedPlugin<O> = { name: e.name, origin, ...(e.weight !== undefined ? { weight: e.weight } : {}) };
    const at = result.findIndex((p) => p.name === e.name);
    if (at >= 0) result[at] = placed;
    else result.push(placed);
  });
  return { result, problems };
}
