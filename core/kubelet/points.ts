import { definePoint } from "../kernel/extension-point.js";
import type { ProbePlugin, RuntimePlugin, VolumePlugin } from "./plugin-api.js";

/** The kubelet's extension points; its core drives them and names no plugin. */
export const Kubelet = {
  runtime: definePoint<RuntimePlugin>({
    id: "kubelet.runtime",
    kind: "single",
    description: "The CRI server pods run on: every plugin is a CRI v1 client, they differ in which server they reach",
    methods: ["connect"],
  }),
  volumes: definePoint<VolumePlugin>({
    id: "kubelet.volumes",
    kind: "set",
    description: "Volume sources (emptyDir, configMap, secret, projected, hostPath, …) prepared before containers start",
    methods: ["supports", "setUp"],
  }),
  probes: definePoint<ProbePlugin>({
    id: "kubelet.probes",
    kind: "set",
    description: "Probe handlers (exec, httpGet, tcpSocket, …) for startup, liveness and readiness probes",
    methods: ["supports", "probe"],
  }),
} as const;
