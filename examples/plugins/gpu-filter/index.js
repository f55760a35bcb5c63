// A scheduler plugin as a third party publishes it: plain ESM with no runtime import of
// Kitbash. It names the point it serves by id and answers with plain statuses.

export const GPU_LABEL = "gpu-type";

/** Filter: a pod labelled gpu-type=X fits only nodes labelled gpu-type=X; other pods fit anywhere. */
export function gpuFilter(pod, node) {
  const want = pod.metadata.labels?.[GPU_LABEL];
  if (want === undefined) return { code: "Success" };
  const have = node?.metadata.labels?.[GPU_LABEL];
  if (have === want) return { code: "Success" };
  // Preemption cannot change a node's labels: unresolvable.
  return { code: "UnschedulableAndUnresolvable", reasons: [`node(s) didn't have the requested gpu-type ${want}`] };
}

export const GPUFilter = {
  name: "GPUFilter",
  serves: ["scheduler.filter"],
  description: "Pods labelled gpu-type go only to nodes with the same gpu-type label",
  create() {
    return {
      filter: (_state, pod, nodeInfo) => gpuFilter(pod, nodeInfo.node),
      // A node gaining the label may make a rejected pod fit.
      eventsToRegister: () => [{ event: { resource: "Node", actions: ["Add", "UpdateNodeLabel"] } }],
    };
  },
};

export const plugins = [GPUFilter];
