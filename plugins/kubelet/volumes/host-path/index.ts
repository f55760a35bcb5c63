import { definePlugin } from "../../../../core/kernel/define-plugin.js";
import { Kubelet, type KubeletHandle, type VolumePlugin } from "../../../../core/kubelet/index.js";

export const hostPathPlugin = definePlugin<Record<string, never>, KubeletHandle, VolumePlugin>({
  name: "hostPath",
  serves: [Kubelet.volumes],
  description: "A path of the node, checked against its type",
  upstream: "kubelet volume plugin kubernetes.io/host-path (pkg/volume/hostpath)",
  create: async () => {
    const { HostPathVolume } = await import("./host-path-volume.js");
    return new HostPathVolume();
  },
});

export default hostPathPlugin;
