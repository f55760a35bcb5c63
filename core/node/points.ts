import { definePoint } from "../kernel/extension-point.js";
import type { NodeAgent } from "./node-agent.js";

/** The node component's extension points; its core runs them and names no agent. */
export const Node = {
  nodes: definePoint<NodeAgent>({
    id: "node.nodes",
    kind: "set",
    description: "Node agents: each registers Nodes and runs the pods bound to them (a kubelet, or simulated nodes)",
    methods: ["run"],
  }),
} as const;
