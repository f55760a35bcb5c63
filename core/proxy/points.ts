import { definePoint } from "../kernel/extension-point.js";
import type { ProxyMode } from "./mode.js";

/** The proxy's extension points; its core computes the service model and names no plugin. */
export const Proxy = {
  mode: definePoint<ProxyMode>({
    id: "proxy.mode",
    kind: "single",
    description: "Turns the Services and endpoints the proxy tracks into packet-filter rules: iptables, nftables, ipvs or none",
    methods: ["sync", "cleanup"],
  }),
} as const;
