import { definePlugin } from "../../../../core/kernel/define-plugin.js";
import { ApiServer } from "../../../../core/apiserver/points.js";
import type { AdmissionPlugin } from "../../../../core/apiserver/chains.js";
import type { ApiServerHandle } from "../../../../core/apiserver/handle.js";

export default definePlugin<Record<string, never>, ApiServerHandle, AdmissionPlugin>({
  name: "Priority",
  serves: [ApiServer.admission],
  description: "Sets a pod's priority and preemption policy from its PriorityClass or the global default",
  upstream: "kube-apiserver --enable-admission-plugins=Priority",
  create: async (_args, handle) => {
    const { Priority } = await import("./priority.js");
    return new Priority(handle);
  },
});
