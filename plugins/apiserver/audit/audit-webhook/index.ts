import { definePlugin } from "../../../../core/kernel/define-plugin.js";
import type { JsonSchema } from "../../../../core/kernel/json-schema.js";
import { ApiServer } from "../../../../core/apiserver/points.js";
import type { AuditSink } from "../../../../core/apiserver/chains.js";
import type { ApiServerHandle } from "../../../../core/apiserver/handle.js";
import schema from "../../../../schemas/plugins/apiserver/audit-webhook.args.schema.json" with { type: "json" };
import type { AuditWebhookArgs } from "../../../../schemas/generated/plugins/apiserver/audit-webhook.args.js";

export default definePlugin<Required<AuditWebhookArgs>, ApiServerHandle, AuditSink>({
  name: "audit-webhook",
  serves: [ApiServer.audit],
  args: schema as JsonSchema,
  description: "POSTs audit events in EventList batches to a remote receiver",
  upstream: "kube-apiserver --audit-webhook-config-file with --audit-webhook-mode=batch",
  create: async (args, handle) => {
    const { WebhookSink } = await import("./webhook-sink.js");
    return new WebhookSink(args, handle);
  },
});
