import { defineComponent } from "../kernel/component.js";
import type { JsonSchema } from "../kernel/json-schema.js";
import settingsSchema from "../../schemas/components/proxy.settings.schema.json" with { type: "json" };
import type { ProxySettings } from "../../schemas/generated/components/proxy.settings.js";
import { kubeProxyConfigurationAdapter } from "./configuration.js";
import { commandRunner } from "./exec.js";
import type { ProxyHandle } from "./handle.js";
import { Proxy } from "./points.js";

export const proxyComponent = defineComponent<ProxySettings, ProxyHandle>({
  name: "proxy",
  description: "The service proxy: programs ClusterIP, NodePort and external IPs as iptables, nftables or IPVS rules",
  after: ["apiserver"],
  group: "loops",
  points: Object.values(Proxy),
  settings: settingsSchema as JsonSchema,
  configAdapters: [kubeProxyConfigurationAdapter],
  handle: (base, ctx) => ({ ...base, exec: commandRunner(ctx.settings.netns) }),
  create: async (ctx) => {
    const { ProxyMain } = await import("./proxy.js");
    return new ProxyMain(ctx);
  },
});
