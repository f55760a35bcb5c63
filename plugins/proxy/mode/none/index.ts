import { definePlugin } from "../../../../core/kernel/define-plugin.js";
import { Proxy, type ProxyHandle, type ProxyMode } from "../../../../core/proxy/index.js";

export const noneModePlugin = definePlugin<Record<string, never>, ProxyHandle, ProxyMode>({
  name: "none",
  serves: [Proxy.mode],
  description: "Programs no rules: for clusters whose network plugin implements Services itself",
  upstream: "kube-proxy with no proxier (the proxy still tracks Services and EndpointSlices)",
  create: async () => ({
    sync: async () => ({ rules: 0 }),
    cleanup: async () => {},
  }),
});

export default noneModePlugin;
