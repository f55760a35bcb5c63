import { definePlugin } from "../../../../core/kernel/define-plugin.js";
import type { JsonSchema } from "../../../../core/kernel/json-schema.js";
import { Kubelet, type KubeletHandle, type RuntimePlugin } from "../../../../core/kubelet/index.js";
import schema from "../../../../schemas/plugins/kubelet/process.args.schema.json" with { type: "json" };
import type { ProcessRuntimeArgs } from "../../../../schemas/generated/plugins/kubelet/process.args.js";

export const processRuntimePlugin = definePlugin<Required<ProcessRuntimeArgs>, KubeletHandle, RuntimePlugin>({
  name: "process",
  serves: [Kubelet.runtime],
  args: schema as JsonSchema,
  description: "Runs pods on Kitbash's embedded CRI runtime (the runtime component's socket)",
  upstream: "kubelet --container-runtime-endpoint, pointed at Kitbash's own CRI server",
  create: async (args, handle) => {
    const { ProcessRuntime } = await import("./process-runtime.js");
    return new ProcessRuntime(args, handle);
  },
});

export default processRuntimePlugin;
