import { definePlugin } from "../../../../core/kernel/define-plugin.js";
import type { BaseHandle } from "../../../../core/kernel/component.js";
import { Runtime, type PodNetwork } from "../../../../core/runtime/index.js";

export const hostNetworkPlugin = definePlugin<Record<string, never>, BaseHandle, PodNetwork>({
  name: "host",
  serves: [Runtime.network],
  description: "Pods share the host's network namespace and address (needs no root)",
  upstream: "a hostNetwork pod's networking, for every pod",
  create: async () => {
    const { HostNetwork } = await import("./host-network.js");
    return new HostNetwork();
  },
});

export default hostNetworkPlugin;
