import { definePlugin } from "../../../../core/kernel/define-plugin.js";
import { Proxy, type ProxyHandle, type ProxyMode } from "../../../../core/proxy/index.js";

export const nftablesModePlugin = definePlugin<Record<string, never>, ProxyHandle, ProxyMode>({
  name: "nftables",
  serves: [Proxy.mode],
  description: "Services as one nftables `kube-proxy` table with service-ips and service-nodeports verdict maps, applied as one nft transaction",
  upstream: "kube-proxy --proxy-mode=nftables (pkg/proxy/nftables)",
  create: async (_args, handle) => {
    const { NftablesMode } = await import("./nftables-mode.js");
    return new NftablesMode(handle);
  },
});

export default nftablesModePlugin;
