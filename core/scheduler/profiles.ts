import type { PluginEntry } from "../kernel/extension-point.js";
import type { ResolvedSchedulerProfile } from "./config/kube-scheduler-configuration.js";
import { Framework, type ProfilePlugins } from "./framework.js";
import type { SchedulerMetrics } from "./metrics.js";
import { Scheduler as Points, type SchedulerPointName } from "./points.js";
import type { ProfileSlot, SchedulerServices } from "./services.js";

export interface BuildProfilesOptions {
  profiles: readonly ResolvedSchedulerProfile[];
  /** The first profile's plugins as the kernel built them from the plan, if it did. */
  first?: ProfilePlugins;
  createPlugin(name: string, args: Record<string, unknown>): Promise<unknown>;
  services: SchedulerServices;
  metrics: SchedulerMetrics;
  /** The configuration's global setting; a profile's own wins. */
  percentageOfNodesToScore?: number;
}

/** One Framework per profile, each with its own plugin instances, as upstream builds a framework per profile. */
export async function buildFrameworks(opts: BuildProfilesOptions): Promise<Framework[]> {
  const out: Framework[] = [];
  for (const [i, prof] of opts.profiles.entries()) {
    const slot: ProfileSlot = i === 0 ? opts.services.defaultSlot : {};
    const plugins = i === 0 && opts.first ? opts.first : await opts.services.forProfile(slot, () => instantiate(prof, opts.createPlugin));
    const fwk = new Framework({
      profileName: prof.schedulerName,
      plugins,
      metrics: opts.metrics,
      percentageOfNodesToScore: prof.percentageOfNodesToScore ?? opts.percentageOfNodesToScore ?? 0,
      nominatedPodsForNode: (n) => opts.services.runtime?.nominatedPodsForNode(n) ?? [],
    });
    slot.framework = fwk;
    out.push(fwk);
  }
  return out;
}

async function instantiate(prof: ResolvedSchedulerProfile, create: BuildProfilesOptions["createPlugin"]): Promise<ProfilePlugins> {
  const instances = new Map<string, unknown>();
  const lists = {} as Record<SchedulerPointName, PluginEntry<unknown>[]>;
  for (const point of Object.keys(Points) as SchedulerPointName[]) {
    lists[point] = [];
    for (const ref of prof.points[point] ?? []) {
      let inst = instances.get(ref.name);
      if (!inst) instances.set(ref.name, (inst = await create(ref.name, prof.pluginConfig.get(ref.name) ?? {})));
      const missing = Points[point].methods.filter((m) => typeof (inst as Record<string, unknown>)[m] !== "function");
      if (missing.length) throw new Error(`profile ${prof.schedulerName}: plugin ${ref.name} is placed at ${point} but lacks ${missing.join(", ")}`);
      lists[point].push(Object.freeze({ name: ref.name, weight: ref.weight ?? 1, instance: inst }));
    }
  }
  if (lists.queueSort.length !== 1) throw new Error(`profile ${prof.schedulerName}: queueSort takes exactly one plugin, found ${lists.queueSort.length}`);
  if (!lists.bind.length) throw new Error(`profile ${prof.schedulerName}: at least one bind plugin is needed`);
  return lists as unknown as ProfilePlugins;
}
