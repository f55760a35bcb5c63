import { ErrorCodes, KitbashError } from "../kernel/errors.js";
import type { PluginEntry } from "../kernel/extension-point.js";
import { didYouMean } from "../kernel/suggest.js";
import type { Controller } from "./controller.js";

/**
 * Upstream's `--controllers` rules: a name turns a controller on, `-name` turns it off, `*`
 * turns on every controller not disabled by default; a controller neither named nor covered by
 * `*` stays off. Names may be aliases. An unknown name is refused, with a suggestion.
 */
export function selectControllers(entries: readonly PluginEntry<Controller>[], wanted: readonly string[]): PluginEntry<Controller>[] {
  const byName = new Map<string, PluginEntry<Controller>>();
  for (const e of entries) {
    byName.set(e.name, e);
    for (const a of e.instance.aliases ?? []) byName.set(a, e);
  }
  const unknown = wanted.filter((w) => w !== "*" && !byName.has(w.replace(/^-/, "")));
  if (unknown.length) {
    const known = [...byName.keys()];
    throw new KitbashError(ErrorCodes.CONFIG, `unknown controller${unknown.length > 1 ? "s" : ""} ${unknown.map((u) => `"${u}"`).join(", ")}`, {
      field: "components.controller-manager.settings.controllers",
      hint: didYouMean(unknown[0]!.replace(/^-/, ""), known) ?? `controllers: ${entries.map((e) => e.name).join(", ")}`,
    });
  }
  const star = wanted.includes("*");
  return entries.filter((e) => {
    const names = [e.name, ...(e.instance.aliases ?? [])];
    for (const w of wanted) {
      if (names.includes(w)) return true;
      if (w.startsWith("-") && names.includes(w.slice(1))) return false;
    }
    return star && !e.instance.disabledByDefault;
  });
}
