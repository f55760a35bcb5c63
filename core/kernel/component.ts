import type { DependencyContainer } from "tsyringe";
import type { ExtensionPoint, PluginEntry } from "./extension-point.js";
import type { JsonSchema } from "./json-schema.js";
import type { Logger } from "./logging.js";
import type { MetricsScope } from "./metrics.js";
import type { Lifecycle } from "./lifecycle.js";

/**
 * Start groups, in the order controller-runtime made familiar: storage first,
 * then servers, then caches, then plain loops, then leader-elected loops.
 */
export const StartGroup = { storage: 0, servers: 1, caches: 2, plugins: 3, loops: 4, leaderElected: 5 } as const;
export type StartGroupName = keyof typeof StartGroup;

/** What every plugin handle carries; components extend it with their own services. */
export interface BaseHandle {
  readonly logger: Logger;
  readonly metrics: MetricsScope;
  readonly dataDir: string;
  /**
   * Entries of a point of this component, for plugins that drive a point they declare;
   * a package may name the point by id.
   */
  entries<T>(point: ExtensionPoint<T> | string): readonly PluginEntry<T>[];
}

export interface ComponentContext<Settings = Record<string, unknown>> {
  readonly name: string;
  readonly settings: Settings;
  /** Embedded upstream configuration kinds, as the profile wrote them. */
  readonly config: Record<string, unknown>;
  readonly container: DependencyContainer;
  readonly logger: Logger;
  readonly metrics: MetricsScope;
  readonly dataDir: string;
  readonly lifecycle: Lifecycle;
  entries<T>(point: ExtensionPoint<T> | string): readonly PluginEntry<T>[];
  /** A single point's one plugin. */
  single<T>(point: ExtensionPoint<T>): T;
  /**
   * Builds another instance of a registered plugin with its args checked against its
   * schema (defaults applied), for components whose upstream config names several
   * plugin sets (kube-scheduler profiles). The component's `handle` builds its handle.
   */
  createPlugin(name: string, args: Record<string, unknown>): Promise<unknown>;
  readonly catalog: PluginCatalog;
}

/** Which plugins a component's points can take: what a ConfigAdapter needs to expand lists. */
export interface PluginCatalog {
  /** Short names of this component's points the plugin serves; undefined for an unknown plugin. */
  serves(plugin: string): readonly string[] | undefined;
  /** Every registered plugin name, for suggestions. */
  names(): readonly string[];
}

/** A problem an adapter found, at a path inside the embedded document. */
export interface ConfigProblem {
  path: (string | number)[];
  message: string;
  hint?: string;
}

export interface Component {
  start?(signal: AbortSignal): Promise<void> | void;
  stop?(): Promise<void> | void;
}

/**
 * Adapts an upstream configuration kind (KubeSchedulerConfiguration, …) embedded in a
 * profile to the kernel's plugin-set shape, so users paste what they know.
 */
export interface ConfigAdapter {
  apiVersion: string;
  kind: string;
  /** Key under `components.<name>.config` where the kind lives. */
  key: string;
  toPluginSets(
    config: Record<string, unknown>,
    catalog: PluginCatalog,
  ): {
    plugins?: Record<string, { enabled?: { name: string; weight?: number }[]; disabled?: { name: string }[] }>;
    pluginConfig?: { name: string; args: unknown }[];
    problems?: ConfigProblem[];
  };
}

export interface ComponentDefinition<Settings = any, Handle extends BaseHandle = BaseHandle> {
  readonly name: string;
  readonly description: string;
  /** Components this one needs started first when they run in the same process. */
  readonly after?: readonly string[];
  readonly group: StartGroupName;
  readonly points: readonly ExtensionPoint<any>[];
  readonly settings?: JsonSchema;
  readonly configAdapters?: readonly ConfigAdapter[];
  /** Builds the handle a plugin of this component receives. */
  handle(base: BaseHandle, ctx: ComponentContext<Settings>): Handle | Promise<Handle>;
  /** Loaded lazily so that `kitbash --help` never pays for a server it does not start. */
  create(ctx: ComponentContext<Settings>): Component | Promise<Component>;
}

export function defineComponent<Settings, Handle extends BaseHandle>(
  def: ComponentDefinition<Settings, Handle>,
): ComponentDefinition<Settings, Handle> {
  for (const p of def.points) {
    if (p.component !== def.name) throw new Error(`component ${def.name} declares point ${p.id} of another component`);
  }
  return Object.freeze(def);
}
