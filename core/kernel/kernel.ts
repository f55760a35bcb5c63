import "reflect-metadata";
import { container as globalContainer, type DependencyContainer } from "tsyringe";
import type { BaseHandle, Component, ComponentContext, ComponentDefinition } from "./component.js";
import { StartGroup } from "./component.js";
import { ErrorCodes, KitbashError, throwProblems, wrapPluginError } from "./errors.js";
import type { ExtensionPoint, PluginEntry } from "./extension-point.js";
import { Lifecycle } from "./lifecycle.js";
import { componentLogger, pluginLogger, type Logger } from "./logging.js";
import type { MetricsScope } from "./metrics.js";
import type { Plan, PlannedComponent } from "./plan.js";
import type { Registry } from "./registry.js";
import { kernelServices } from "./tokens.js";
import { pluginCatalog } from "./catalog.js";
import { didYouMean } from "./suggest.js";
import { validateAgainst } from "./validate-args.js";

export interface KernelOptions {
  registry: Registry;
  plan: Plan;
  logger: Logger;
  metrics: MetricsScope;
  stopTimeoutMs?: number;
  /** Only these components (all enabled ones if unset): `kitbash apiserver` runs one. */
  only?: string[];
}

export interface RunningComponent {
  name: string;
  instance: Component;
  container: DependencyContainer;
  entries<T>(point: ExtensionPoint<T> | string): readonly PluginEntry<T>[];
}

/**
 * Builds what a plan names — a root container for shared services, one child per
 * component holding its points' frozen entry lists — and runs it under one
 * lifecycle. Nothing the plan does not name is built.
 */
export class Kernel {
  readonly root: DependencyContainer;
  readonly lifecycle: Lifecycle;
  readonly components = new Map<string, RunningComponent>();
  private built = false;

  constructor(private readonly opts: KernelOptions) {
    this.root = globalContainer.createChildContainer();
    this.root.register(kernelServices.rootLogger, { useValue: opts.logger });
    this.root.register(kernelServices.metrics, { useValue: opts.metrics });
    this.root.register(kernelServices.plan, { useValue: opts.plan });
    this.root.register(kernelServices.dataDir, { useValue: opts.plan.dataDir });
    this.lifecycle = new Lifecycle(opts.logger, opts.stopTimeoutMs);
  }

  /** Components to run, in dependency order (`after`), then by start group. */
  order(): ComponentDefinition[] {
    const wanted = Object.values(this.opts.plan.components)
      .filter((c) => c.enabled && (!this.opts.only || this.opts.only.includes(c.name)))
      .map((c) => this.opts.registry.component(c.name)!)
      .filter(Boolean);
    const names = new Set(wanted.map((d) => d.name));
    const out: ComponentDefinition[] = [];
    const visiting = new Set<string>();
    const visit = (d: ComponentDefinition) => {
      if (out.includes(d)) return;
      if (visiting.has(d.name)) throw new KitbashError(ErrorCodes.LIFECYCLE, `components depend on each other in a cycle through ${d.name}`);
      visiting.add(d.name);
      for (const dep of d.after ?? []) if (names.has(dep)) visit(this.opts.registry.component(dep)!);
      visiting.delete(d.name);
      out.push(d);
    };
    [...wanted].sort((a, b) => StartGroup[a.group] - StartGroup[b.group]).forEach(visit);
    return out;
  }

  /** Creates every component and plugin the plan names; reports all creation failures at once. */
  async build(): Promise<void> {
    if (this.built) return;
    this.built = true;
    this.opts.registry.seal();
    const problems: KitbashError[] = [];
    for (const def of this.order()) {
      try {
        await this.buildComponent(def, this.opts.plan.components[def.name]!);
      } catch (err) {
        problems.push(err instanceof KitbashError ? err : new KitbashError(ErrorCodes.LIFECYCLE, `component ${def.name}: ${(err as Error).message}`, { cause: err }));
      }
    }
    throwProblems(problems);
  }

  async start(): Promise<void> {
    await this.build();
    await this.lifecycle.start();
  }

  stop(): Promise<void> {
    return this.lifecycle.stop();
  }

  private async buildComponent(def: ComponentDefinition, planned: PlannedComponent): Promise<void> {
    const child = this.root.createChildContainer();
    const logger = componentLogger(this.opts.logger, def.name);
    const metrics = this.opts.metrics.child({ component: def.name });
    const lists = new Map<string, readonly PluginEntry<unknown>[]>();
    const entries = <T>(point: ExtensionPoint<T> | string): readonly PluginEntry<T>[] => {
      const id = typeof point === "string" ? point : point.id;
      const l = lists.get(id);
      if (!l) throw new KitbashError(ErrorCodes.UNKNOWN_POINT, `extension point ${id} is not part of component ${def.name}'s plan`);
      return l as readonly PluginEntry<T>[];
    };
    const ctx: ComponentContext = {
      name: def.name,
      settings: planned.settings,
      config: planned.config,
      container: child,
      logger,
      metrics,
      dataDir: this.opts.plan.dataDir,
      lifecycle: this.lifecycle,
      entries,
      single: <T>(point: ExtensionPoint<T>) => {
        const l = entries(point);
        if (l.length !== 1) throw new KitbashError(ErrorCodes.SINGLE_POINT, `extension point ${point.id} holds ${l.length} plugins`);
        return l[0]!.instance;
      },
      catalog: pluginCatalog(this.opts.registry, def.name),
      createPlugin: async (name, rawArgs) => {
        const manifest = this.opts.registry.plugin(name);
        if (!manifest) throw new KitbashError(ErrorCodes.UNKNOWN_PLUGIN, `unknown plugin "${name}"`, { hint: didYouMean(name, this.opts.registry.pluginNames()) });
        const args = structuredClone(rawArgs);
        if (manifest.args) {
          const bad = validateAgainst(manifest.args, args);
          if (bad.length) throw new KitbashError(ErrorCodes.PLUGIN_ARGS, bad.map((p) => `${p.path.join(".") || "args"}: ${p.message}`).join("; "), { plugin: name });
        } else if (Object.keys(args).length) throw new KitbashError(ErrorCodes.PLUGIN_ARGS, `plugin ${name} takes no args`, { plugin: name });
        const handle = await def.handle({ logger: pluginLogger(logger, manifest.name), metrics: metrics.child({ plugin: manifest.name }), dataDir: this.opts.plan.dataDir, entries }, ctx);
        try {
          return await manifest.create(Object.freeze(args), handle);
        } catch (err) {
          throw wrapPluginError(manifest.name, "create", err);
        }
      },
    };

    // One instance per plugin, whatever number of points it serves (as the scheduler does).
    const instances = new Map<string, unknown>();
    const problems: KitbashError[] = [];
    for (const point of Object.values(planned.points)) {
      for (const p of point.plugins) {
        if (instances.has(p.name)) continue;
        const manifest = this.opts.registry.plugin(p.name)!;
        const base: BaseHandle = {
          logger: pluginLogger(logger, p.name),
          metrics: metrics.child({ plugin: p.name }),
          dataDir: this.opts.plan.dataDir,
          entries,
        };
        try {
          const handle = await def.handle(base, ctx);
          instances.set(p.name, await manifest.create(Object.freeze(structuredClone(p.args)), handle));
        } catch (err) {
          problems.push(wrapPluginError(p.name, "create", err));
        }
      }
    }
    throwProblems(problems);

    for (const point of Object.values(planned.points)) {
      const decl = this.opts.registry.point(point.id)!;
      const list = point.plugins.map((p) => {
        const instance = instances.get(p.name) as Record<string, unknown>;
        const missing = decl.methods.filter((m) => typeof instance?.[m] !== "function");
        if (missing.length) {
          throw new KitbashError(ErrorCodes.PLUGIN_SHAPE, `plugin ${p.name} is placed at ${point.id} but lacks ${missing.join(", ")}`, { plugin: p.name });
        }
        return Object.freeze({ name: p.name, weight: p.weight, instance });
      });
      const frozen = Object.freeze(list);
      lists.set(point.id, frozen);
      child.register(decl.token, { useValue: frozen });
    }

    for (const [name, instance] of instances) {
      const i = instance as { start?: unknown; stop?: unknown };
      if (typeof i?.start === "function" || typeof i?.stop === "function") {
        // Registered before the component itself, so within its group they start first and stop last.
        this.lifecycle.add(`${def.name}/${name}`, StartGroup[def.group], i as never);
      }
    }
    const instance = await def.create(ctx);
    this.lifecycle.add(def.name, StartGroup[def.group], instance);
    this.components.set(def.name, { name: def.name, instance, container: child, entries });
  }
}
