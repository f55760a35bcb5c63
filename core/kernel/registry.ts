import type { ComponentDefinition } from "./component.js";
import type { PluginManifest } from "./define-plugin.js";
import { ErrorCodes, KitbashError } from "./errors.js";
import type { ExtensionPoint } from "./extension-point.js";
import type { Logger } from "./logging.js";
import { didYouMean } from "./suggest.js";

/**
 * Name → manifest for plugins, id → point for extension points, name → definition
 * for components. Refuses duplicates unless a manifest says `replaces`.
 */
export class Registry {
  private readonly plugins = new Map<string, PluginManifest>();
  private readonly points = new Map<string, ExtensionPoint<unknown>>();
  private readonly components = new Map<string, ComponentDefinition>();
  private readonly replaced = new Map<string, PluginManifest>();
  private sealed = false;

  constructor(private readonly logger?: Logger) {}

  addComponent(def: ComponentDefinition): void {
    this.assertOpen();
    if (this.components.has(def.name)) throw new KitbashError(ErrorCodes.DUPLICATE_POINT, `component ${def.name} is registered twice`);
    this.components.set(def.name, def);
    for (const p of def.points) this.addPoint(p);
  }

  addPoint(point: ExtensionPoint<unknown>): void {
    this.assertOpen();
    const existing = this.points.get(point.id);
    if (existing && existing !== point) {
      // Two copies of the same declaration (a package bundling core) are the same point.
      if (existing.kind === point.kind) return;
      throw new KitbashError(ErrorCodes.DUPLICATE_POINT, `extension point ${point.id} is declared twice with different kinds`);
    }
    this.points.set(point.id, point);
  }

  /** Plugin packages may name points by id (`"apiserver.storage"`) and so need no runtime import of core. */
  addPlugin(manifest: PluginManifest, source = "builtin"): void {
    this.assertOpen();
    const serves = (manifest.serves as readonly unknown[]).map((p) => {
      if (typeof p !== "string") return p as ExtensionPoint<unknown>;
      const point = this.points.get(p);
      if (!point) {
        throw new KitbashError(ErrorCodes.UNKNOWN_POINT, `plugin ${manifest.name} serves unknown extension point "${p}"`, {
          plugin: manifest.name,
          hint: didYouMean(p, this.points.keys()),
        });
      }
      return point;
    });
    const m = { ...manifest, serves, source } as PluginManifest;
    for (const p of m.serves) this.addPoint(p);
    if (m.replaces !== undefined) {
      const old = this.plugins.get(m.replaces);
      if (!old) {
        throw new KitbashError(ErrorCodes.UNKNOWN_PLUGIN, `plugin ${m.name} replaces "${m.replaces}", which is not registered`, {
          plugin: m.name,
          hint: didYouMean(m.replaces, this.plugins.keys()),
        });
      }
      this.plugins.delete(m.replaces);
      this.replaced.set(m.replaces, old);
      this.logger?.info({ plugin: m.name, replaces: m.replaces, source }, "plugin replaces a registered one");
      // The replacement answers to the old name too, so profiles naming the default keep working.
      this.plugins.set(m.replaces, m);
      if (m.name !== m.replaces) this.plugins.set(m.name, m);
      return;
    }
    const dup = this.plugins.get(m.name);
    if (dup) {
      throw new KitbashError(ErrorCodes.DUPLICATE_PLUGIN, `plugin ${m.name} from ${source} is already registered by ${dup.source}; declare "replaces: ${m.name}" to take its place`, { plugin: m.name });
    }
    this.plugins.set(m.name, m);
  }

  seal(): void {
    this.sealed = true;
  }

  plugin(name: string): PluginManifest | undefined {
    return this.plugins.get(name);
  }

  point(id: string): ExtensionPoint<unknown> | undefined {
    return this.points.get(id);
  }

  component(name: string): ComponentDefinition | undefined {
    return this.components.get(name);
  }

  allPlugins(): PluginManifest[] {
    return [...new Set(this.plugins.values())].sort((a, b) => a.name.localeCompare(b.name));
  }

  allPoints(): ExtensionPoint<unknown>[] {
    return [...this.points.values()].sort((a, b) => a.id.localeCompare(b.id));
  }

  allComponents(): ComponentDefinition[] {
    return [...this.components.values()];
  }

  pluginNames(): string[] {
    return [...this.plugins.keys()];
  }

  /** Plugins that serve a point, by registered name. */
  pluginsFor(point: ExtensionPoint<unknown>): PluginManifest[] {
    return this.allPlugins().filter((m) => m.serves.some((p) => p.id === point.id));
  }

  /** The manifest a replacement displaced, for `plugins describe`. */
  replacedBy(name: string): PluginManifest | undefined {
    return this.replaced.get(name);
  }

  private assertOpen(): void {
    if (this.sealed) throw new KitbashError(ErrorCodes.SEALED, "the registry is sealed once components have started");
  }
}
