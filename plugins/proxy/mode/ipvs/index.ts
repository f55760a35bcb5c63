import { definePlugin } from "../../../../core/kernel/define-plugin.js";
import type { JsonSchema } from "../../../../core/kernel/json-schema.js";
import { Proxy, type ProxyHandle, type ProxyMode } from "../../../../core/proxy/index.js";

const schema: JsonSchema = {
  type: "object",
  additionalProperties: false,
  properties: { scheduler: { type: "string", enum: ["rr", "wrr", "lc", "wlc", "sh", "dh", "sed", "nq"], default: "rr", description: "IPVS scheduling algorithm (KubeProxyConfiguration ipvs.scheduler)" } },
};

export const ipvsModePlugin = definePlugin<{ scheduler?: string }, ProxyHandle, ProxyMode>({
  name: "ipvs",
  serves: [Proxy.mode],
  args: schema,
  description: "Services as IPVS virtual servers on the kube-ipvs0 dummy device, with ipsets and iptables helpers (needs the ip_vs kernel module)",
  upstream: "kube-proxy --proxy-mode=ipvs (pkg/proxy/ipvs)",
  create: async (args, handle) => {
    const { IpvsMode } = await import("./ipvs-mode.js");
    return new IpvsMode(handle, args.scheduler ?? "rr");
  },
});

export default ipvsModePlugin;
