import { definePlugin } from "../../../../core/kernel/define-plugin.js";
import type { JsonSchema } from "../../../../core/kernel/json-schema.js";
import { ApiServer } from "../../../../core/apiserver/points.js";
import type { Authenticator } from "../../../../core/apiserver/chains.js";
import type { OidcArgs } from "../../../../schemas/generated/plugins/apiserver/oidc.args.js";
import schema from "../../../../schemas/plugins/apiserver/oidc.args.schema.json" with { type: "json" };

/** Upstream's JWT (OIDC) authenticators of the structured AuthenticationConfiguration. */
export default definePlugin<OidcArgs, unknown, Authenticator>({
  name: "oidc",
  serves: [ApiServer.authentication],
  args: schema as JsonSchema,
  description: "JWTs from OpenID Connect issuers, configured as AuthenticationConfiguration's jwt list",
  upstream: "kube-apiserver --authentication-config (AuthenticationConfiguration jwt)",
  create: async (args) => {
    const { OidcAuthenticator } = await import("./oidc-authenticator.js");
    return new OidcAuthenticator(args);
  },
});
