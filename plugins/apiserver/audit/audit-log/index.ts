import { definePlugin } from "../../../../core/kernel/define-plugin.js";
import type { JsonSchema } from "../../../../core/kernel/json-schema.js";
import { ApiServer } from "../../../../core/apiserver/points.js";
import type { AuditSink } from "../../../../core/apiserver/chains.js";
import type { ApiServerHandle } from "../../../../core/apiserver/handle.js";
import schema from "../../../../schemas/plugins/apiserver/audit-log.args.schema.json" with { type: "json" };
import type { AuditLogArgs } from "../../../../schemas/generated/plugins/apiserver/audit-log.args.js";

export default definePlugin<Required<AuditLogArgs>, ApiServerHandle, AuditSink>({
  name: "audit-log",
  serves: [ApiServer.audit],
  args: schema as JsonSchema,
  description: "Writes audit events as JSON lines to a file, in batches off the request path",
  upstream: "kube-apiserver --audit-log-path with --audit-log-format=json and --audit-log-mode=batch",
  create: async (args, handle) => {
    const { LogSink } = await import("./log-sink.js");
    return new LogSink(args, handle);
  },
});
