import type { ConfigProblem, PluginCatalog } from "../../kernel/component.js";
import { didYouMean } from "../../kernel/suggest.js";
import { DEFAULT_MULTI_POINT, DEFAULT_SCHEDULER_NAME, POINT_NAMES } from "./defaults.js";

export const API_VERSION = "kubescheduler.config.k8s.io/v1";
export const KIND = "KubeSchedulerConfiguration";

export interface PluginRef {
  name: string;
  weight?: number;
}
export interface PluginSetV1 {
  enabled?: PluginRef[];
  disabled?: { name: string }[];
}
export interface ProfileV1 {
  schedulerName?: string;
  percentageOfNodesToScore?: number;
  plugins?: Partial<Record<(typeof POINT_NAMES)[number] | "multiPoint", PluginSetV1>>;
  pluginConfig?: { name: string; args?: Record<string, unknown> }[];
}
export interface KubeSchedulerConfigurationV1 {
  apiVersion: string;
  kind: string;
  parallelism?: number;
  percentageOfNodesToScore?: number;
  podInitialBackoffSeconds?: number;
  podMaxBackoffSeconds?: number;
  leaderElection?: Record<string, unknown>;
  clientConnection?: Record<string, unknown>;
  extenders?: unknown[];
  profiles?: ProfileV1[];
  delayCacheUntilActive?: boolean;
  enableProfiling?: boolean;
  enableContentionProfiling?: boolean;
  healthzBindAddress?: string;
  metricsBindAddress?: string;
  featureGates?: Record<string, boolean>;
}

/** One profile resolved: each point's plugins in order with weights, and the args by plugin. */
export interface ResolvedSchedulerProfile {
  schedulerName: string;
  percentageOfNodesToScore?: number;
  points: Record<string, PluginRef[]>;
  pluginConfig: Map<string, Record<string, unknown>>;
}

const TOP_FIELDS = new Set([
  "apiVersion",
  "kind",
  "parallelism",
  "percentageOfNodesToScore",
  "podInitialBackoffSeconds",
  "podMaxBackoffSeconds",
  "leaderElection",
  "clientConnection",
  "extenders",
  "profiles",
  "delayCacheUntilActive",
  "enableProfiling",
  "enableContentionProfiling",
  "healthzBindAddress",
  "metricsBindAddress",
  "featureGates",
]);
const PROFILE_FIELDS = new Set(["schedulerName", "percentageOfNodesToScore", "plugins", "pluginConfig"]);
const SET_FIELDS = new Set(["enabled", "disabled"]);
const PLUGIN_KEYS = new Set<string>([...POINT_NAMES, "multiPoint"]);

type Path = (string | number)[];

/**
 * Checks a KubeSchedulerConfiguration v1 as upstream's strict decoding and
 * validation do, and resolves every profile's plugin lists the way upstream's
 * defaulting (mergePluginSet) and the framework's multiPoint expansion do:
 * multiPoint plugins first at each point they serve, then that point's own enabled
 * list; a point's `disabled` (or `*`) removes multiPoint plugins there; a plugin
 * listed at a point overrides its multiPoint entry.
 */
export function resolveKubeSchedulerConfiguration(cfg: KubeSchedulerConfigurationV1, catalog: PluginCatalog): { profiles: ResolvedSchedulerProfile[]; problems: ConfigProblem[] } {
  const problems: ConfigProblem[] = [];
  const problem = (path: Path, message: string, hint?: string) => problems.push({ path, message, ...(hint ? { hint } : {}) });
  unknownFields(cfg as unknown as Record<string, unknown>, TOP_FIELDS, [], problem);

  intRange(cfg.parallelism, ["parallelism"], 1, Infinity, "should be an integer value greater than zero", problem);
  intRange(cfg.percentageOfNodesToScore, ["percentageOfNodesToScore"], 0, 100, "not in valid range [0-100]", problem);
  intRange(cfg.podInitialBackoffSeconds, ["podInitialBackoffSeconds"], 1, Infinity, "must be greater than 0", problem);
  if (cfg.podMaxBackoffSeconds !== undefined && cfg.podMaxBackoffSeconds < (cfg.podInitialBackoffSeconds ?? 1)) {
    problem(["podMaxBackoffSeconds"], "must be greater than or equal to PodInitialBackoffSeconds");
  }
  if (cfg.extenders?.length) problem(["extenders"], "scheduler extenders (HTTP webhooks) are not supported", "write a Kitbash scheduler plugin package instead");

  const profilesIn: ProfileV1[] = cfg.profiles?.length ? cfg.profiles : [{}];
  const seenNames = new Map<string, number>();
  const profiles: ResolvedSchedulerProfile[] = [];
  let queueSortOf: string | undefined;
  profilesIn.forEach((prof, i) => {
    const at: Path = cfg.profiles?.length ? ["profiles", i] : [];
    if (cfg.profiles?.length) unknownFields(prof as Record<string, unknown>, PROFILE_FIELDS, at, problem);
    const schedulerName = prof.schedulerName ?? DEFAULT_SCHEDULER_NAME;
    if (prof.schedulerName === "") problem([...at, "schedulerName"], "Required value");
    if (seenNames.has(schedulerName)) problem([...at, "schedulerName"], `Duplicate value: "${schedulerName}"`);
    seenNames.set(schedulerName, i);
    intRange(prof.percentageOfNodesToScore, [...at, "percentageOfNodesToScore"], 0, 100, "not in valid range [0-100]", problem);

    const points = resolvePlugins(prof.plugins ?? {}, [...at, "plugins"], catalog, problem);
    const qs = points.queueSort?.map((p) => p.name).join(",");
    if (queueSortOf !== undefined && qs !== queueSortOf) problem([...at, "plugins", "queueSort"], "queueSort must be the same for all profiles");
    queueSortOf ??= qs;

    const pluginConfig = new Map<string, Record<string, unknown>>();
    (prof.pluginConfig ?? []).forEach((pc, j) => {
      const pat: Path = [...at, "pluginConfig", j];
      if (pluginConfig.has(pc.name)) problem([...pat, "name"], `Duplicate value: "${pc.name}"`);
      else if (!catalog.serves(pc.name)) problem([...pat, "name"], `unknown plugin "${pc.name}"`, didYouMean(pc.name, catalog.names()));
      pluginConfig.set(pc.name, stripTypeMeta(pc.args ?? {}, pc.name));
    });
    profiles.push({ schedulerName, ...(prof.percentageOfNodesToScore !== undefined ? { percentageOfNodesToScore: prof.percentageOfNodesToScore } : {}), points, pluginConfig });
  });
  return { profiles, problems };
}

/** In-tree args may carry their own apiVersion/kind (`<Name>Args`); the schema holds only the fields. */
function stripTypeMeta(args: Record<string, unknown>, plugin: string): Record<string, unknown> {
  if (args.kind !== undefined && args.kind !== `${plugin}Args`) return args; // left for the schema to refuse
  const rest = { ...args };
  delete rest.apiVersion;
  delete rest.kind;
  return rest;
}

function resolvePlugins(plugins: NonNullable<ProfileV1["plugins"]>, at: Path, catalog: PluginCatalog, problem: (p: Path, m: string, h?: string) => void): Record<string, PluginRef[]> {
  for (const key of Object.keys(plugins)) {
    if (!PLUGIN_KEYS.has(key)) problem([...at, key], `unknown field "${key}"`, didYouMean(key, PLUGIN_KEYS) ?? `points: ${[...PLUGIN_KEYS].join(", ")}`);
  }
  const known = (ref: { name: string }, path: Path): boolean => {
    if (ref.name === "*" || catalog.serves(ref.name)) return true;
    problem([...path, "name"], `unknown plugin "${ref.name}"`, didYouMean(ref.name, catalog.names()));
    return false;
  };
  for (const [key, set] of Object.entries(plugins)) {
    if (!set) continue;
    unknownFields(set as Record<string, unknown>, SET_FIELDS, [...at, key], problem);
    (set.disabled ?? []).forEach((d, i) => known(d, [...at, key, "disabled", i]));
    (set.enabled ?? []).forEach((e, i) => {
      const path: Path = [...at, key, "enabled", i];
      if (e.name === "*") problem([...path, "name"], `"*" is only valid in disabled lists`);
      else if (known(e, path) && key !== "multiPoint" && !catalog.serves(e.name)!.includes(key)) {
        problem([...path, "name"], `plugin ${e.name} does not serve the ${key} extension point (it serves ${catalog.serves(e.name)!.join(", ")})`);
      }
      if (e.weight !== undefined && (!Number.isInteger(e.weight) || e.weight < 0)) problem([...path, "weight"], "must be a non-negative integer");
    });
  }

  // Upstream's mergePluginSet of the defaults with the user's multiPoint set.
  const multi = plugins.multiPoint;
  let merged: PluginRef[] = multi?.disabled?.some((d) => d.name === "*") ? [] : DEFAULT_MULTI_POINT.filter((d) => !multi?.disabled?.some((x) => x.name === d.name)).map((d) => ({ ...d }));
  const seenMulti = new Set<string>();
  (multi?.enabled ?? []).forEach((e, i) => {
    if (seenMulti.has(e.name)) problem([...at, "multiPoint", "enabled", i, "name"], `plugin "${e.name}" already registered as "multiPoint"`);
    seenMulti.add(e.name);
    const idx = merged.findIndex((m) => m.name === e.name);
    if (idx >= 0) merged[idx] = { ...e };
    else merged.push({ ...e });
  });
  merged = merged.filter((m) => catalog.serves(m.name));

  const out: Record<string, PluginRef[]> = {};
  for (const point of POINT_NAMES) {
    const own = plugins[point];
    const disabled = new Set((own?.disabled ?? []).map((d) => d.name));
    const explicit = own?.enabled ?? [];
    const explicitNames = new Set<string>();
    explicit.forEach((e, i) => {
      if (explicitNames.has(e.name)) problem([...at, point, "enabled", i, "name"], `plugin "${e.name}" already registered as "${point}"`);
      explicitNames.add(e.name);
    });
    const fromMulti = disabled.has("*") ? [] : merged.filter((m) => catalog.serves(m.name)!.includes(point) && !disabled.has(m.name) && !explicitNames.has(m.name));
    const list = [...fromMulti, ...explicit.filter((e) => catalog.serves(e.name)?.includes(point))].map((p) => ({ name: p.name, ...(point === "score" ? { weight: p.weight || 1 } : {}) }));
    out[point] = list;
  }
  return out;
}

function unknownFields(obj: Record<string, unknown>, allowed: Set<string>, at: Path, problem: (p: Path, m: string, h?: string) => void): void {
  if (!obj || typeof obj !== "object") return;
  for (const k of Object.keys(obj)) {
    if (!allowed.has(k)) problem([...at, k], `strict decoding error: unknown field "${[...at, k].join(".")}"`, didYouMean(k, allowed));
  }
}

function intRange(v: number | undefined, path: Path, min: number, max: number, message: string, problem: (p: Path, m: string) => void): void {
  if (v === undefined) return;
  if (!Number.isInteger(v) || v < min || v > max) problem(path, `Invalid value: ${v}: ${message}`);
}
