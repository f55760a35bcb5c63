import { definePlugin } from "../../../../core/kernel/define-plugin.js";
import type { JsonSchema } from "../../../../core/kernel/json-schema.js";
import { ApiServer } from "../../../../core/apiserver/points.js";
import type { AdmissionPlugin } from "../../../../core/apiserver/chains.js";
import type { ApiServerHandle } from "../../../../core/apiserver/handle.js";
import schema from "../../../../schemas/plugins/apiserver/pod-security.args.schema.json" with { type: "json" };
import type { PodSecurityArgs } from "../../../../schemas/generated/plugins/apiserver/pod-security.args.js";

export default definePlugin<Required<PodSecurityArgs>, ApiServerHandle, AdmissionPlugin>({
  name: "PodSecurity",
  serves: [ApiServer.admission],
  args: schema as JsonSchema,
  description: "Enforces, warns about and audits the Pod Security Standards chosen by namespace labels",
  upstream: "kube-apiserver --enable-admission-plugins=PodSecurity (k8s.io/pod-security-admission)",
  create: async (args, handle) => {
    const { PodSecurity } = await import("./pod-security.js");
    return new PodSecurity(args, handle);
  },
});
