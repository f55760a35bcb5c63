import { Registry } from "../core/kernel/registry.js";
import type { Logger } from "../core/kernel/logging.js";
import { builtinComponents } from "./components.js";
import { builtinPlugins } from "../plugins/builtins.js";

/** The composition root: every built-in component and plugin, before packages add theirs. */
export function builtinRegistry(logger?: Logger): Registry {
  const registry = new Registry(logger);
  for (const c of builtinComponents) registry.addComponent(c);
  for (const p of builtinPlugins) registry.addPlugin(p);
  return registry;
}
