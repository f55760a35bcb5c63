import { definePlugin } from "../../../../core/kernel/define-plugin.js";
import { Kubelet, type KubeletHandle, type ProbePlugin } from "../../../../core/kubelet/index.js";

export const execProbePlugin = definePlugin<Record<string, never>, KubeletHandle, ProbePlugin>({
  name: "exec",
  serves: [Kubelet.probes],
  description: "Probes by running a command in the container; exit status 0 is success",
  upstream: "kubelet prober, exec handler (pkg/probe/exec)",
  create: async () => {
    const { ExecProbe } = await import("./exec-probe.js");
    return new ExecProbe();
  },
});

export default execProbePlugin;
