import { definePlugin } from "../../../../core/kernel/define-plugin.js";
import type { JsonSchema } from "../../../../core/kernel/json-schema.js";
import { Addons, type AddOn, type AddonsHandle } from "../../../../core/addons/index.js";
import schema from "../../../../schemas/plugins/addons/cluster-dns.args.schema.json" with { type: "json" };
import type { ClusterDnsArgs } from "./cluster-dns.js";

export const clusterDnsPlugin = definePlugin<ClusterDnsArgs, AddonsHandle, AddOn>({
  name: "cluster-dns",
  serves: [Addons.dns],
  args: schema as JsonSchema,
  description: "Answers A/AAAA/SRV/PTR for Services and Pods under the cluster domain and forwards the rest",
  upstream: "CoreDNS with the kubernetes plugin (pods insecure) and forward . /etc/resolv.conf, per the Kubernetes DNS specification 1.1.0",
  create: async (args, handle) => {
    const { ClusterDns } = await import("./cluster-dns.js");
    return new ClusterDns(args, handle);
  },
});

export default clusterDnsPlugin;
