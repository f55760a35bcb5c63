import { definePlugin } from "../../../../core/kernel/define-plugin.js";
import { ApiServer } from "../../../../core/apiserver/points.js";
import type { AdmissionPlugin } from "../../../../core/apiserver/chains.js";
import type { ApiServerHandle } from "../../../../core/apiserver/handle.js";

export default definePlugin<Record<string, never>, ApiServerHandle, AdmissionPlugin>({
  name: "ServiceAccount",
  serves: [ApiServer.admission],
  description: "Pods run as a service account that exists, with its token projected into every container",
  upstream: "kube-apiserver --enable-admission-plugins=ServiceAccount",
  create: async (_args, handle) => {
    const { ServiceAccountAdmission } = await import("./service-account.js");
    return new ServiceAccountAdmission(handle);
  },
});
