import { definePlugin } from "../../../../core/kernel/define-plugin.js";
import { ApiServer } from "../../../../core/apiserver/points.js";
import type { AdmissionPlugin } from "../../../../core/apiserver/chains.js";
import type { ApiServerHandle } from "../../../../core/apiserver/handle.js";

export default definePlugin<Record<string, never>, ApiServerHandle, AdmissionPlugin>({
  name: "NodeRestriction",
  serves: [ApiServer.admission],
  description: "Limits a kubelet's credentials to its own Node, Lease and the pods bound to it",
  upstream: "kube-apiserver --enable-admission-plugins=NodeRestriction",
  create: async (_args, handle) => {
    const { NodeRestriction } = await import("./node-restriction.js");
    return new NodeRestriction(handle);
  },
});
