import type { PluginCatalog } from "./component.js";
import type { Registry } from "./registry.js";

/** The registry seen from one component: which of its points each plugin serves. */
export function pluginCatalog(registry: Registry, component: string): PluginCatalog {
  return {
    serves: (name) => registry.plugin(name)?.serves.filter((p) => p.component === component).map((p) => p.name),
    names: () => registry.pluginNames(),
  };
}
