import { definePlugin } from "../../../../core/kernel/define-plugin.js";
import { ApiServer } from "../../../../core/apiserver/points.js";
import type { AdmissionPlugin } from "../../../../core/apiserver/chains.js";
import type { ApiServerHandle } from "../../../../core/apiserver/handle.js";
import { WebhookDispatcher } from "../../../../core/apiserver/webhooks/dispatch.js";

export default definePlugin<Record<string, never>, ApiServerHandle, AdmissionPlugin>({
  name: "MutatingAdmissionWebhook",
  serves: [ApiServer.admission],
  description: "Calls the webhooks of every MutatingWebhookConfiguration with an AdmissionReview v1",
  upstream: "kube-apiserver --enable-admission-plugins=MutatingAdmissionWebhook",
  create: (_args, handle) => {
    const dispatcher = new WebhookDispatcher("mutating", handle.cluster, handle.logger);
    return { admit: (req) => dispatcher.run(req) };
  },
});
