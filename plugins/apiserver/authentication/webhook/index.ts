import { definePlugin } from "../../../../core/kernel/define-plugin.js";
import type { JsonSchema } from "../../../../core/kernel/json-schema.js";
import { ApiServer } from "../../../../core/apiserver/points.js";
import type { Authenticator } from "../../../../core/apiserver/chains.js";
import { loadKubeconfig } from "../../../../core/client/index.js";
import type { TokenWebhookArgs } from "../../../../schemas/generated/plugins/apiserver/token-webhook.args.js";
import schema from "../../../../schemas/plugins/apiserver/token-webhook.args.schema.json" with { type: "json" };

/** Upstream's webhook token authenticator (TokenReview v1 to a remote service). */
export default definePlugin<TokenWebhookArgs, unknown, Authenticator>({
  name: "token-webhook",
  serves: [ApiServer.authentication],
  args: schema as JsonSchema,
  description: "Bearer tokens checked by a remote service through authentication.k8s.io/v1 TokenReview",
  upstream: "kube-apiserver --authentication-token-webhook-config-file",
  create: async (args) => {
    const { TokenWebhook } = await import("./token-webhook.js");
    const target = await loadKubeconfig(args.kubeconfig).catch((err: Error) => {
      throw new Error(`token-webhook: ${err.message}`);
    });
    if (!target.server.startsWith("https://")) throw new Error(`token-webhook: ${args.kubeconfig}: the webhook must be served over https, not ${target.server}`);
    return new TokenWebhook(target, { cacheTTLSeconds: args.cacheTTLSeconds ?? 120, timeoutSeconds: args.timeoutSeconds ?? 10 });
  },
});
