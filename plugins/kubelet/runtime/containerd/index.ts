import { definePlugin } from "../../../../core/kernel/define-plugin.js";
import type { JsonSchema } from "../../../../core/kernel/json-schema.js";
import { Kubelet, type KubeletHandle, type RuntimePlugin } from "../../../../core/kubelet/index.js";
import type { ContainerdRuntimeArgs } from "../../../../schemas/generated/plugins/kubelet/containerd.args.js";
import schema from "../../../../schemas/plugins/kubelet/containerd.args.schema.json" with { type: "json" };

export const containerdPlugin = definePlugin<ContainerdRuntimeArgs, KubeletHandle, RuntimePlugin>({
  name: "containerd",
  serves: [Kubelet.runtime],
  args: schema as JsonSchema,
  description: "Runs pods on an external CRI server (containerd's CRI plugin by default) over its unix socket",
  upstream: "kubelet --container-runtime-endpoint (remote CRI runtime, pkg/kubelet/cri/remote)",
  create: async (args, handle) => {
    const { ContainerdRuntime } = await import("./containerd-runtime.js");
    return new ContainerdRuntime(args, handle);
  },
});

export default containerdPlugin;
