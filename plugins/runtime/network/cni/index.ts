import { definePlugin } from "../../../../core/kernel/define-plugin.js";
import type { BaseHandle } from "../../../../core/kernel/component.js";
import type { JsonSchema } from "../../../../core/kernel/json-schema.js";
import { Runtime, type PodNetwork } from "../../../../core/runtime/index.js";
import schema from "../../../../schemas/plugins/runtime/cni.args.schema.json" with { type: "json" };
import type { CniArgs } from "./cni-network.js";

export const cniNetworkPlugin = definePlugin<CniArgs, BaseHandle, PodNetwork>({
  name: "cni",
  serves: [Runtime.network],
  args: schema as JsonSchema,
  description: "Executes CNI plugin binaries (spec 1.0.0) from a conflist: ADD, CHECK, DEL with cached results, VERSION",
  upstream: "containerd's CRI plugin running CNI (libcni) in RunPodSandbox and StopPodSandbox",
  create: async (args, handle) => {
    const { CniNetwork } = await import("./cni-network.js");
    return new CniNetwork(args, handle);
  },
});

export default cniNetworkPlugin;
