import { definePlugin } from "../../../../core/kernel/define-plugin.js";
import { Proxy, type ProxyHandle, type ProxyMode } from "../../../../core/proxy/index.js";

export const iptablesModePlugin = definePlugin<Record<string, never>, ProxyHandle, ProxyMode>({
  name: "iptables",
  serves: [Proxy.mode],
  description: "Services as iptables NAT chains (KUBE-SERVICES, KUBE-SVC-*, KUBE-SEP-*), applied with iptables-restore --noflush",
  upstream: "kube-proxy --proxy-mode=iptables (pkg/proxy/iptables)",
  create: async (_args, handle) => {
    const { IptablesMode } = await import("./iptables-mode.js");
    return new IptablesMode(handle);
  },
});

export default iptablesModePlugin;
