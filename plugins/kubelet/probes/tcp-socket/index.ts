import { definePlugin } from "../../../../core/kernel/define-plugin.js";
import { Kubelet, type KubeletHandle, type ProbePlugin } from "../../../../core/kubelet/index.js";

export const tcpSocketProbePlugin = definePlugin<Record<string, never>, KubeletHandle, ProbePlugin>({
  name: "tcpSocket",
  serves: [Kubelet.probes],
  description: "Probes by opening a TCP connection to the pod; a connection is success",
  upstream: "kubelet prober, TCP handler (pkg/probe/tcp)",
  create: async () => {
    const { TcpSocketProbe } = await import("./tcp-socket-probe.js");
    return new TcpSocketProbe();
  },
});

export default tcpSocketProbePlugin;
