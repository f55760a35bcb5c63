import type { ConfigAdapter } from "../../kernel/component.js";
import { API_VERSION, KIND, resolveKubeSchedulerConfiguration, type KubeSchedulerConfigurationV1 } from "./kube-scheduler-configuration.js";

/**
 * Maps a pasted KubeSchedulerConfiguration onto the kernel's plugin sets. The first
 * profile (upstream's default-scheduler unless renamed) becomes the component's point
 * lists, so `profile show --resolved` prints it and the kernel builds its plugins; the
 * scheduler builds the other profiles from the same resolution when it starts. Every
 * profile is checked here, so `profile validate` reports all of them.
 */
export const kubeSchedulerConfigurationAdapter: ConfigAdapter = {
  apiVersion: API_VERSION,
  kind: KIND,
  key: KIND,
  toPluginSets(config, catalog) {
    const { profiles, problems } = resolveKubeSchedulerConfiguration(config as unknown as KubeSchedulerConfigurationV1, catalog);
    const first = profiles[0]!;
    const plugins: Record<string, { enabled: { name: string; weight?: number }[]; disabled: { name: string }[] }> = {};
    for (const [point, list] of Object.entries(first.points)) plugins[point] = { disabled: [{ name: "*" }], enabled: list };
    const pluginConfig = [...first.pluginConfig].map(([name, args]) => ({ name, args }));
    return { plugins, pluginConfig, problems };
  },
};
