import { definePlugin } from "../../../../core/kernel/define-plugin.js";
import type { JsonSchema } from "../../../../core/kernel/json-schema.js";
import { ApiServer } from "../../../../core/apiserver/points.js";
import type { Authorizer } from "../../../../core/apiserver/chains.js";
import { loadKubeconfig } from "../../../../core/client/index.js";
import type { AuthorizationWebhookArgs } from "../../../../schemas/generated/plugins/apiserver/authorization-webhook.args.js";
import schema from "../../../../schemas/plugins/apiserver/authorization-webhook.args.schema.json" with { type: "json" };

/** Upstream's Webhook authorization mode (SubjectAccessReview v1 to a remote service). */
export default definePlugin<AuthorizationWebhookArgs, unknown, Authorizer>({
  name: "Webhook",
  serves: [ApiServer.authorization],
  args: schema as JsonSchema,
  description: "Asks a remote service through authorization.k8s.io/v1 SubjectAccessReview",
  upstream: "kube-apiserver --authorization-mode=Webhook --authorization-webhook-config-file",
  create: async (args) => {
    const { WebhookAuthorizer } = await import("./webhook-authorizer.js");
    const target = await loadKubeconfig(args.kubeconfig).catch((err: Error) => {
      throw new Error(`Webhook: ${err.message}`);
    });
    if (!target.server.startsWith("https://")) throw new Error(`Webhook: ${args.kubeconfig}: the webhook must be served over https, not ${target.server}`);
    return new WebhookAuthorizer(target, {
      allowedTTLMs: (args.cacheAuthorizedTTLSeconds ?? 300) * 1000,
      deniedTTLMs: (args.cacheUnauthorizedTTLSeconds ?? 30) * 1000,
      timeoutMs: (args.timeoutSeconds ?? 10) * 1000,
    });
  },
});
