import { existsSync, readFileSync } from "node:fs";
import { dirname, isAbsolute, join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { isPluginManifest, type PluginManifest } from "./define-plugin.js";
import { ErrorCodes, KitbashError } from "./errors.js";
import { definePoint, type ExtensionPoint, type PointOptions } from "./extension-point.js";
import type { PlannedPackage } from "./plan.js";
import type { Registry } from "./registry.js";

/** The package.json field that marks a Kitbash plugin package. */
export const PACKAGE_MARKER = "kitbashPluginPackage";

export interface PluginPackageExports {
  plugins?: PluginManifest[];
  points?: (ExtensionPoint<unknown> | PointOptions)[];
}

/** Finds a package folder: a path, or a name looked up in node_modules from `from` upwards. */
export function findPackageDir(spec: string, from: string): string | undefined {
  if (spec.startsWith(".") || isAbsolute(spec)) {
    const dir = resolve(from, spec);
    return existsSync(join(dir, "package.json")) ? dir : undefined;
  }
  let dir = from;
  for (;;) {
    const candidate = join(dir, "node_modules", spec);
    if (existsSync(join(candidate, "package.json"))) return candidate;
    const up = dirname(dir);
    if (up === dir) return undefined;
    dir = up;
  }
}

function entryOf(pkg: Record<string, any>): string {
  const exp = pkg.exports;
  const root = typeof exp === "string" ? exp : exp?.["."] ?? exp;
  const pick = (e: any): string | undefined => (typeof e === "string" ? e : e ? pick(e.import ?? e.default ?? e.node) : undefined);
  return pick(root) ?? pkg.main ?? "index.js";
}

/**
 * Imports a plugin package and registers what it exports. Its points come first,
 * so its plugins may serve them; plugins may name points by id.
 */
export async function loadPluginPackage(spec: string, from: string, registry: Registry): Promise<PlannedPackage> {
  const dir = findPackageDir(spec, from);
  if (!dir) throw new KitbashError(ErrorCodes.PACKAGE, `plugin package "${spec}" not found from ${from} (is it installed?)`);
  const pkg = JSON.parse(readFileSync(join(dir, "package.json"), "utf8")) as Record<string, any>;
  if (!pkg[PACKAGE_MARKER]) {
    throw new KitbashError(ErrorCodes.PACKAGE, `package "${pkg.name ?? spec}" is not a Kitbash plugin package (its package.json has no "${PACKAGE_MARKER}" field)`);
  }
  let mod: PluginPackageExports & { default?: PluginPackageExports };
  try {
    mod = await import(pathToFileURL(join(dir, entryOf(pkg))).href);
  } catch (err) {
    throw new KitbashError(ErrorCodes.PACKAGE, `cannot load plugin package "${pkg.name}": ${(err as Error).message}`, { cause: err });
  }
  const exported = { ...(mod.default ?? {}), ...mod } as PluginPackageExports;
  const points = (exported.points ?? []).map((p) => ("token" in p ? p : definePoint(p as PointOptions)));
  for (const p of points) registry.addPoint(p);
  const plugins = (exported.plugins ?? []).filter(isPluginManifest);
  if (!plugins.length && !points.length) {
    throw new KitbashError(ErrorCodes.PACKAGE, `plugin package "${pkg.name}" exports no plugins and no points`);
  }
  for (const m of plugins) registry.addPlugin(m, pkg.name);
  return { name: pkg.name, dir, version: pkg.version, plugins: plugins.map((m) => m.name), points: points.map((p) => p.id) };
}
