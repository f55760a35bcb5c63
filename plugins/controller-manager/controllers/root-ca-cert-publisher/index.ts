import { definePlugin } from "../../../../core/kernel/define-plugin.js";
import type { JsonSchema } from "../../../../core/kernel/json-schema.js";
import { ControllerManager, type Controller, type ControllerManagerHandle } from "../../../../core/controller-manager/index.js";
import schema from "../../../../schemas/plugins/controller-manager/root-ca-cert-publisher.args.schema.json" with { type: "json" };
import type { RootCaPublisherArgs } from "./root-ca-publisher.js";

export const rootCaCertPublisherPlugin = definePlugin<RootCaPublisherArgs, ControllerManagerHandle, Controller>({
  name: "root-ca-cert-publisher",
  serves: [ControllerManager.controllers],
  args: schema as JsonSchema,
  description: "Keeps the kube-root-ca.crt ConfigMap with the cluster CA in every namespace",
  upstream: "kube-controller-manager root-ca-cert-publisher (pkg/controller/certificates/rootcacertpublisher)",
  create: async (args, handle) => {
    const { RootCaPublisher } = await import("./root-ca-publisher.js");
    return new RootCaPublisher(args, handle);
  },
});

export default rootCaCertPublisherPlugin;
