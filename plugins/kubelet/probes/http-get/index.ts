import { definePlugin } from "../../../../core/kernel/define-plugin.js";
import { Kubelet, type KubeletHandle, type ProbePlugin } from "../../../../core/kubelet/index.js";

export const httpGetProbePlugin = definePlugin<Record<string, never>, KubeletHandle, ProbePlugin>({
  name: "httpGet",
  serves: [Kubelet.probes],
  description: "Probes with an HTTP GET to the pod; a status from 200 to 399 is success",
  upstream: "kubelet prober, HTTP handler (pkg/probe/http)",
  create: async () => {
    const { HttpGetProbe } = await import("./http-get-probe.js");
    return new HttpGetProbe();
  },
});

export default httpGetProbePlugin;
