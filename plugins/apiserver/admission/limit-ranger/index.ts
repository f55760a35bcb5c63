import { definePlugin } from "../../../../core/kernel/define-plugin.js";
import { ApiServer } from "../../../../core/apiserver/points.js";
import type { AdmissionPlugin } from "../../../../core/apiserver/chains.js";
import type { ApiServerHandle } from "../../../../core/apiserver/handle.js";

export default definePlugin<Record<string, never>, ApiServerHandle, AdmissionPlugin>({
  name: "LimitRanger",
  serves: [ApiServer.admission],
  description: "Defaults container requests and limits from LimitRanges and enforces their min, max and ratios",
  upstream: "kube-apiserver --enable-admission-plugins=LimitRanger",
  create: async (_args, handle) => {
    const { LimitRanger } = await import("./limit-ranger.js");
    return new LimitRanger(handle);
  },
});
