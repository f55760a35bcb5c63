import { definePlugin } from "../../../../core/kernel/define-plugin.js";
import { ApiServer } from "../../../../core/apiserver/points.js";
import type { Authorizer } from "../../../../core/apiserver/chains.js";
import type { ApiServerHandle } from "../../../../core/apiserver/handle.js";

/** Upstream's Node authorization mode over a graph of pods kept from the watch cache. */
export default definePlugin<Record<string, never>, ApiServerHandle, Authorizer>({
  name: "Node",
  serves: [ApiServer.authorization],
  description: "Kubelets (system:node:<name> in system:nodes) reach their own node and what their pods use",
  upstream: "kube-apiserver --authorization-mode=Node",
  create: async (_args, handle) => {
    const { NodeGraph } = await import("./node-graph.js");
    const { NodeAuthorizer } = await import("./node-authorizer.js");
    const graph = new NodeGraph();
    handle.objects.follow({ group: "", version: "v1", resource: "pods" }, (type, pod) => graph.onPod(type, pod));
    return new NodeAuthorizer(graph);
  },
});
