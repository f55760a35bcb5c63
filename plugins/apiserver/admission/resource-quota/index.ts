import { definePlugin } from "../../../../core/kernel/define-plugin.js";
import { ApiServer } from "../../../../core/apiserver/points.js";
import type { AdmissionPlugin } from "../../../../core/apiserver/chains.js";
import type { ApiServerHandle } from "../../../../core/apiserver/handle.js";

export default definePlugin<Record<string, never>, ApiServerHandle, AdmissionPlugin>({
  name: "ResourceQuota",
  serves: [ApiServer.admission],
  description: "Refuses creates that would take a namespace past its ResourceQuotas, and charges the quotas",
  upstream: "kube-apiserver --enable-admission-plugins=ResourceQuota",
  create: async (_args, handle) => {
    const { ResourceQuotaAdmission } = await import("./resource-quota.js");
    return new ResourceQuotaAdmission(handle);
  },
});
