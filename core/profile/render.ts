import type { Plan } from "../kernel/plan.js";
import type { Registry } from "../kernel/registry.js";
import type { ComponentProfile, ProfileDocument } from "./types.js";

/**
 * The plan written back as a profile: every enabled component's points listed with
 * their plugins in order, settings and args with defaults applied. Loading it gives
 * the same plan again.
 */
export function planToProfile(plan: Plan, doc: ProfileDocument, registry: Registry): ProfileDocument {
  const components: Record<string, ComponentProfile> = {};
  for (const c of Object.values(plan.components)) {
    const plugins: NonNullable<ComponentProfile["plugins"]> = {};
    const pluginConfig: NonNullable<ComponentProfile["pluginConfig"]> = [];
    const configured = new Set<string>();
    for (const [name, point] of Object.entries(c.points)) {
      const weighted = registry.point(point.id)?.weighted ?? false;
      plugins[name] = {
        disabled: [{ name: "*" }],
        enabled: point.plugins.map((p) => (weighted ? { name: p.name, weight: p.weight } : { name: p.name })),
      };
      for (const p of point.plugins) {
        if (configured.has(p.name) || !registry.plugin(p.name)?.args) continue;
        configured.add(p.name);
        pluginConfig.push({ name: p.name, args: p.args });
      }
    }
    components[c.name] = {
      enabled: c.enabled,
      settings: c.settings,
      ...(Object.keys(c.config).length ? { config: c.config } : {}),
      plugins,
      ...(pluginConfig.length ? { pluginConfig } : {}),
    };
  }
  return {
    apiVersion: "kitbash.io/v1alpha1",
    kind: "Profile",
    metadata: { ...(doc.metadata ?? {}), name: plan.profile },
    ...(doc.packages?.length ? { packages: doc.packages } : {}),
    dataDir: plan.dataDir,
    components,
  };
}

/** One comment line per point: `apiserver.storage (single): sqlite`. */
export function planSummary(plan: Plan): string[] {
  const lines: string[] = [];
  for (const c of Object.values(plan.components)) {
    if (!c.enabled) continue;
    for (const p of Object.values(c.points)) {
      lines.push(`${p.id} (${p.kind}): ${p.plugins.map((x) => x.name).join(", ") || "-"}`);
    }
  }
  return lines;
}
