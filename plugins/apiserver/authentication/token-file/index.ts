import { resolve } from "node:path";
import { definePlugin } from "../../../../core/kernel/define-plugin.js";
import type { JsonSchema } from "../../../../core/kernel/json-schema.js";
import { ApiServer } from "../../../../core/apiserver/points.js";
import type { Authenticator } from "../../../../core/apiserver/chains.js";
import type { ApiServerHandle } from "../../../../core/apiserver/handle.js";
import schema from "../../../../schemas/plugins/apiserver/token-file.args.schema.json" with { type: "json" };
import type { TokenFileArgs } from "../../../../schemas/generated/plugins/apiserver/token-file.args.js";

export default definePlugin<TokenFileArgs, ApiServerHandle, Authenticator>({
  name: "token-file",
  serves: [ApiServer.authentication],
  args: schema as JsonSchema,
  description: "Static bearer tokens from a CSV file (token,user,uid,\"groups\")",
  upstream: "kube-apiserver --token-auth-file",
  create: async (args, handle) => {
    const { TokenFileAuthenticator } = await import("./token-file.js");
    return new TokenFileAuthenticator(resolve(handle.dataDir, args.tokenAuthFile));
  },
});
