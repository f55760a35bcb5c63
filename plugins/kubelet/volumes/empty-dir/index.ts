import { definePlugin } from "../../../../core/kernel/define-plugin.js";
import { Kubelet, type KubeletHandle, type VolumePlugin } from "../../../../core/kubelet/index.js";

export const emptyDirPlugin = definePlugin<Record<string, never>, KubeletHandle, VolumePlugin>({
  name: "emptyDir",
  serves: [Kubelet.volumes],
  description: "A fresh folder per pod, or a tmpfs with medium Memory",
  upstream: "kubelet volume plugin kubernetes.io/empty-dir (pkg/volume/emptydir)",
  create: async () => {
    const { EmptyDirVolume } = await import("./empty-dir-volume.js");
    return new EmptyDirVolume();
  },
});

export default emptyDirPlugin;
