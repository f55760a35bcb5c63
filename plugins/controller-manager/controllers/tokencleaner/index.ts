import { definePlugin } from "../../../../core/kernel/define-plugin.js";
import type { JsonSchema } from "../../../../core/kernel/json-schema.js";
import { ControllerManager, type Controller, type ControllerManagerHandle } from "../../../../core/controller-manager/index.js";
import schema from "../../../../schemas/plugins/controller-manager/tokencleaner.args.schema.json" with { type: "json" };
import type { TokenCleanerControllerArgs } from "../../../../schemas/generated/plugins/controller-manager/tokencleaner.args.js";

export const tokenCleanerPlugin = definePlugin<TokenCleanerControllerArgs, ControllerManagerHandle, Controller>({
  name: "tokencleaner",
  serves: [ControllerManager.controllers],
  args: schema as JsonSchema,
  description: "Deletes bootstrap token Secrets once they expire",
  upstream: "kube-controller-manager tokencleaner (pkg/controller/bootstrap/tokencleaner.go)",
  create: async (_args, handle) => {
    const { TokenCleaner } = await import("./token-cleaner.js");
    return new TokenCleaner(handle);
  },
});

export default tokenCleanerPlugin;
