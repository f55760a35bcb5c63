import { definePlugin } from "../../../../core/kernel/define-plugin.js";
import { Kubelet, type KubeletHandle, type VolumePlugin } from "../../../../core/kubelet/index.js";

export const secretPlugin = definePlugin<Record<string, never>, KubeletHandle, VolumePlugin>({
  name: "secret",
  serves: [Kubelet.volumes],
  description: "A Secret's keys as files on a tmpfs-like private folder, updated when it changes",
  upstream: "kubelet volume plugin kubernetes.io/secret (pkg/volume/secret)",
  create: async () => {
    const { SecretVolume } = await import("./secret-volume.js");
    return new SecretVolume();
  },
});

export default secretPlugin;
