import { definePlugin } from "../../../../core/kernel/define-plugin.js";
import { Kubelet, type KubeletHandle, type VolumePlugin } from "../../../../core/kubelet/index.js";

export const configMapPlugin = definePlugin<Record<string, never>, KubeletHandle, VolumePlugin>({
  name: "configMap",
  serves: [Kubelet.volumes],
  description: "A ConfigMap's keys as files, updated in place when it changes",
  upstream: "kubelet volume plugin kubernetes.io/configmap (pkg/volume/configmap)",
  create: async () => {
    const { ConfigMapVolume } = await import("./config-map-volume.js");
    return new ConfigMapVolume();
  },
});

export default configMapPlugin;
