import { ErrorCodes, KitbashError, type SourceLocation } from "../kernel/errors.js";
import type { Plan, PlannedComponent, PlannedPackage, PlannedPlugin } from "../kernel/plan.js";
import type { Registry } from "../kernel/registry.js";
import { didYouMean } from "../kernel/suggest.js";
import { validateAgainst } from "../kernel/validate-args.js";
import { clone } from "./merge.js";
import { formatPath, type FieldPath, type ProfileDocument } from "./types.js";

export interface PlanInput {
  doc: ProfileDocument;
  profileName: string;
  files: string[];
  dataDir: string;
  packages: PlannedPackage[];
  where(path: FieldPath, key?: string): SourceLocation;
  /** The field as the file that wrote it names it (merged list indexes differ from the file's). */
  fieldOf(path: FieldPath): FieldPath;
}

/**
 * Turns an explicit, merged profile into a plan, checking everything that needs the
 * registry: component, point and plugin names (with suggestions), plugins on points
 * they do not serve, `single` points holding other than one plugin, component
 * settings and plugin args against their schemas. Returns every problem at once.
 */
export function buildPlan(input: PlanInput, registry: Registry): { plan: Plan; problems: KitbashError[] } {
  const problems: KitbashError[] = [];
  const problem = (code: KitbashError["code"], message: string, path: FieldPath, extra: { hint?: string; plugin?: string; key?: string } = {}) =>
    problems.push(
      new KitbashError(code, message, {
        field: formatPath(input.fieldOf(path)),
        location: input.where(path, extra.key),
        ...(extra.hint ? { hint: extra.hint } : {}),
        ...(extra.plugin ? { plugin: extra.plugin } : {}),
      }),
    );

  const components: Record<string, PlannedComponent> = {};
  const names = registry.allComponents().map((c) => c.name);
  for (const [cname, cprof] of Object.entries(input.doc.components ?? {})) {
    const cpath: FieldPath = ["components", cname];
    const def = registry.component(cname);
    if (!def) {
      problem(ErrorCodes.UNKNOWN_COMPONENT, `unknown component "${cname}"`, cpath, { hint: didYouMean(cname, names) ?? `components: ${names.join(", ")}`, key: cname });
      continue;
    }
    const enabled = cprof.enabled ?? false;
    const settings = clone(cprof.settings ?? {});
    if (def.settings) {
      for (const p of validateAgainst(def.settings, settings)) {
        problem(ErrorCodes.CONFIG, p.message, [...cpath, "settings", ...p.path], p.unknownKey ? { key: p.unknownKey } : {});
      }
    }
    const argsByName = new Map<string, { args: Record<string, unknown>; index: number }>();
    (cprof.pluginConfig ?? []).forEach((pc, i) => argsByName.set(registry.plugin(pc.name)?.name ?? pc.name, { args: clone(pc.args ?? {}), index: i }));

    const planned: PlannedComponent = { name: cname, enabled, settings, config: clone(cprof.config ?? {}), points: {} };
    const pointNames = def.points.map((p) => p.name);
    for (const pname of Object.keys(cprof.plugins ?? {})) {
      if (!registry.point(`${cname}.${pname}`)) {
        problem(ErrorCodes.UNKNOWN_POINT, `component ${cname} has no extension point "${pname}"`, [...cpath, "plugins", pname], {
          hint: didYouMean(pname, pointNames) ?? `points: ${pointNames.join(", ")}`,
          key: pname,
        });
      }
    }
    const usedPlugins = new Set<string>();
    const points = registry.allPoints().filter((p) => p.component === cname);
    for (const point of points) {
      const set = cprof.plugins?.[point.name];
      const list: PlannedPlugin[] = [];
      (set?.enabled ?? []).forEach((ref, i) => {
        const at: FieldPath = [...cpath, "plugins", point.name, "enabled", i, "name"];
        const manifest = registry.plugin(ref.name);
        if (!manifest) {
          const serving = registry.pluginsFor(point).map((m) => m.name);
          problem(ErrorCodes.UNKNOWN_PLUGIN, `unknown plugin "${ref.name}"`, at, {
            hint: didYouMean(ref.name, serving) ?? didYouMean(ref.name, registry.pluginNames()) ?? (serving.length ? `plugins serving ${point.id}: ${serving.join(", ")}` : undefined),
          });
          return;
        }
        if (!manifest.serves.some((s) => s.id === point.id)) {
          problem(ErrorCodes.WRONG_POINT, `plugin ${ref.name} does not serve ${point.id} (it serves ${manifest.serves.map((s) => s.id).join(", ")})`, at, { plugin: ref.name });
          return;
        }
        // A replacement answers to the name it replaced; the plan shows who really serves.
        usedPlugins.add(manifest.name);
        list.push({ name: manifest.name, weight: ref.weight ?? 1, args: {} });
      });
      if (enabled && point.kind === "single" && list.length !== 1) {
        problem(
          ErrorCodes.SINGLE_POINT,
          `extension point ${point.id} takes exactly one plugin, found ${list.length}${list.length ? ` (${list.map((p) => p.name).join(", ")})` : ""}`,
          [...cpath, "plugins", point.name],
          { hint: `plugins serving it: ${registry.pluginsFor(point).map((m) => m.name).join(", ") || "none registered"}` },
        );
      }
      planned.points[point.name] = { id: point.id, kind: point.kind, plugins: list };
    }
    // Args: validated once per plugin (one instance serves all its points), defaults applied.
    for (const [name, { args, index }] of argsByName) {
      const at: FieldPath = [...cpath, "pluginConfig", index];
      const manifest = registry.plugin(name);
      if (!manifest) {
        problem(ErrorCodes.UNKNOWN_PLUGIN, `unknown plugin "${name}"`, [...at, "name"], { hint: didYouMean(name, registry.pluginNames()) });
        continue;
      }
      if (!manifest.args) {
        if (Object.keys(args).length) problem(ErrorCodes.PLUGIN_ARGS, `plugin ${name} takes no args`, [...at, "args"], { plugin: name });
        continue;
      }
      for (const p of validateAgainst(manifest.args, args)) {
        problem(ErrorCodes.PLUGIN_ARGS, p.message, [...at, "args", ...p.path], { plugin: name, ...(p.unknownKey ? { key: p.unknownKey } : {}) });
      }
    }
    for (const name of usedPlugins) {
      const manifest = registry.plugin(name)!;
      let args = argsByName.get(name)?.args;
      if (!args) {
        args = {};
        if (manifest.args) validateAgainst(manifest.args, args); // fills defaults; missing required args surface below
        if (manifest.args) {
          for (const p of validateAgainst(manifest.args, args)) {
            problem(ErrorCodes.PLUGIN_ARGS, `${p.message} (no pluginConfig entry gives it)`, [...cpath, "pluginConfig"], { plugin: name });
          }
        }
      }
      for (const point of Object.values(planned.points)) for (const p of point.plugins) if (p.name === name) p.args = args;
    }
    components[cname] = planned;
  }
  return {
    plan: { profile: input.profileName, files: input.files, dataDir: input.dataDir, packages: input.packages, components },
    problems,
  };
}
