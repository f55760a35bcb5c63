import type { ExtensionPoint } from "./extension-point.js";
import type { JsonSchema } from "./json-schema.js";

/**
 * A plugin manifest. `create` receives arguments that already passed the args
 * schema (with its defaults applied) and the component's handle; it never checks
 * them again.
 */
export interface PluginManifest<Args = any, Handle = any, Instance = unknown> {
  readonly name: string;
  readonly serves: readonly ExtensionPoint<any>[];
  /** JSON Schema for `pluginConfig[].args`; omitted means the plugin takes no args. */
  readonly args?: JsonSchema;
  /** Name of a registered plugin this one takes the place of (a third-party override). */
  readonly replaces?: string;
  readonly description?: string;
  /** The upstream behaviour this plugin mirrors, for `plugins describe`. */
  readonly upstream?: string;
  /** Set by the registry: `builtin` or the npm package name. */
  readonly source?: string;
  create(args: Args, handle: Handle): Instance | Promise<Instance>;
}

const NAME = /^[A-Za-z][A-Za-z0-9-]*$/;

/** Checks the manifest's own shape at definition time, so a broken plugin fails where it is written. */
export function definePlugin<Args = any, Handle = any, Instance = unknown>(
  manifest: PluginManifest<Args, Handle, Instance>,
): PluginManifest<Args, Handle, Instance> {
  if (!NAME.test(manifest.name)) throw new Error(`plugin name "${manifest.name}" must start with a letter and hold only letters, digits and dashes`);
  if (!Array.isArray(manifest.serves) || manifest.serves.length === 0) throw new Error(`plugin ${manifest.name} serves no extension point`);
  if (typeof manifest.create !== "function") throw new Error(`plugin ${manifest.name} has no create function`);
  return Object.freeze({ ...manifest, serves: Object.freeze([...manifest.serves]) });
}

export function isPluginManifest(x: unknown): x is PluginManifest {
  const m = x as PluginManifest | undefined;
  return !!m && typeof m === "object" && typeof m.name === "string" && Array.isArray(m.serves) && typeof m.create === "function";
}
