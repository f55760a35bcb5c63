import { definePlugin } from "../../../../core/kernel/define-plugin.js";
import { Kubelet, type KubeletHandle, type VolumePlugin } from "../../../../core/kubelet/index.js";

export const projectedPlugin = definePlugin<Record<string, never>, KubeletHandle, VolumePlugin>({
  name: "projected",
  serves: [Kubelet.volumes],
  description: "ConfigMaps, Secrets, the downward API and service account tokens in one folder",
  upstream: "kubelet volume plugin kubernetes.io/projected (pkg/volume/projected)",
  create: async () => {
    const { ProjectedVolume } = await import("./projected-volume.js");
    return new ProjectedVolume();
  },
});

export default projectedPlugin;
