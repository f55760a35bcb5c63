import type { ConfigAdapter, ConfigProblem } from "../kernel/component.js";

export const API_VERSION = "kubeproxy.config.k8s.io/v1alpha1";
export const KIND = "KubeProxyConfiguration";
export const MODES = ["iptables", "nftables", "ipvs", "none"] as const;

/** The fields of upstream's KubeProxyConfiguration v1alpha1 the proxy honours. */
export interface KubeProxyConfiguration {
  apiVersion?: string;
  kind?: string;
  mode?: string;
  clusterCIDR?: string;
  hostnameOverride?: string;
  nodePortAddresses?: string[];
  healthzBindAddress?: string;
  metricsBindAddress?: string;
  syncPeriod?: string;
  minSyncPeriod?: string;
  iptables?: { syncPeriod?: string; minSyncPeriod?: string };
  nftables?: { syncPeriod?: string; minSyncPeriod?: string };
  ipvs?: { syncPeriod?: string; minSyncPeriod?: string; scheduler?: string };
}

export interface ProxySettingsResolved {
  mode: string;
  clusterCIDR?: string;
  hostnameOverride?: string;
  nodePortAddresses: string[];
  healthzBindAddress: string;
  syncPeriodMs: number;
  minSyncPeriodMs: number;
}

const UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

function duration(text: string, field: string, problems: ConfigProblem[]): number | undefined {
  const parts = [...text.matchAll(/(\d+(?:\.\d+)?)(ms|s|m|h)/g)];
  if (!parts.length || parts.map((p) => p[0]).join("") !== text) {
    problems.push({ path: field.split("."), message: `"${text}" is not a duration such as 30s, 1m0s or 500ms` });
    return undefined;
  }
  return parts.reduce((sum, p) => sum + Number(p[1]) * UNITS[p[2]!]!, 0);
}

/**
 * Reads a pasted KubeProxyConfiguration with upstream's defaults: mode iptables (Linux's
 * default), syncPeriod 30s, minSyncPeriod 1s, healthz on 0.0.0.0:10256. The sync periods are
 * read at the top level (1.33+) or in the mode's own section, as older versions place them.
 */
export function resolveKubeProxyConfiguration(c: KubeProxyConfiguration = {}): { settings: ProxySettingsResolved; problems: ConfigProblem[] } {
  const problems: ConfigProblem[] = [];
  if (c.apiVersion !== undefined && c.apiVersion !== API_VERSION) problems.push({ path: ["apiVersion"], message: `expected ${API_VERSION}, got ${c.apiVersion}` });
  const mode = c.mode || "iptables";
  if (!(MODES as readonly string[]).includes(mode)) problems.push({ path: ["mode"], message: `unknown mode "${mode}"`, hint: `one of ${MODES.join(", ")}` });
  const section = (c as Record<string, { syncPeriod?: string; minSyncPeriod?: string } | undefined>)[mode];
  const sync = c.syncPeriod ?? section?.syncPeriod;
  const minSync = c.minSyncPeriod ?? section?.minSyncPeriod;
  const settings: ProxySettingsResolved = {
    mode,
    ...(c.clusterCIDR ? { clusterCIDR: c.clusterCIDR } : {}),
    ...(c.hostnameOverride ? { hostnameOverride: c.hostnameOverride } : {}),
    nodePortAddresses: c.nodePortAddresses ?? [],
    healthzBindAddress: c.healthzBindAddress ?? "0.0.0.0:10256",
    syncPeriodMs: (sync ? duration(sync, "syncPeriod", problems) : undefined) ?? 30_000,
    minSyncPeriodMs: (minSync ? duration(minSync, "minSyncPeriod", problems) : undefined) ?? 1_000,
  };
  return { settings, problems };
}

/** Maps the pasted configuration's `mode` onto the `mode` point, so the kernel builds that plugin. */
export const kubeProxyConfigurationAdapter: ConfigAdapter = {
  apiVersion: API_VERSION,
  kind: KIND,
  key: KIND,
  toPluginSets(config) {
    const { settings, problems } = resolveKubeProxyConfiguration(config as KubeProxyConfiguration);
    return { plugins: { mode: { disabled: [{ name: "*" }], enabled: [{ name: settings.mode }] } }, problems };
  },
};
