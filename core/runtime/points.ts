import { definePoint } from "../kernel/extension-point.js";
import type { PodNetwork } from "./network.js";

/** The embedded runtime's extension points; its core calls them and names no plugin. */
export const Runtime = {
  network: definePoint<PodNetwork>({
    id: "runtime.network",
    kind: "single",
    description: "Pod networking the embedded runtime sets up in RunPodSandbox: CNI plugins, or the host's network",
    methods: ["setUp", "tearDown", "ready"],
  }),
} as const;
