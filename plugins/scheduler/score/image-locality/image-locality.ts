import { MAX_NODE_SCORE, type CycleState, type NodeInfo, type Pod, type ScorePlugin } from "../../../../core/scheduler/index.js";

const MB = 1024 * 1024;
const MIN_THRESHOLD = 23 * MB;
const MAX_CONTAINER_THRESHOLD = 1000 * MB;

/** An image named without a tag or digest means `:latest`, as the runtime pulls it. */
export function normalizedImageName(name: string): string {
  const lastSlash = name.lastIndexOf("/");
  const tail = name.slice(lastSlash + 1);
  return tail.includes(":") || name.includes("@") ? name : `${name}:latest`;
}

export class ImageLocality implements ScorePlugin {
  /** The last pod's image names: Score runs once per node for the same pod. */
  private last?: { pod: Pod; names: [string, string][]; containers: number };

  constructor(private readonly totalNodes: () => number) {}

  private imagesOf(pod: Pod): { names: [string, string][]; containers: number } {
    if (this.last?.pod !== pod) {
      const containers = [...(pod.spec.initContainers ?? []), ...pod.spec.containers];
      const names = containers.filter((c) => c.image).map((c): [string, string] => [normalizedImageName(c.image!), c.image!]);
      this.last = { pod, names, containers: containers.length };
    }
    return this.last;
  }

  /**
   * Sums, over the pod's containers whose image the node holds, the image size scaled by the
   * share of nodes that hold it (so one widely spread image does not pull every pod to one
   * node), then maps the sum between 23 MB and 1000 MB per container onto 0-100.
   */
  score(_state: CycleState, pod: Pod, nodeInfo: NodeInfo): number {
    const total = Math.max(1, this.totalNodes());
    const images = this.imagesOf(pod);
    let sum = 0;
    if (nodeInfo.imageStates.size) {
      for (const [normalized, raw] of images.names) {
        const st = nodeInfo.imageStates.get(normalized) ?? nodeInfo.imageStates.get(raw);
        if (st) sum += Math.trunc(st.size * (st.numNodes / total));
      }
    }
    const max = MAX_CONTAINER_THRESHOLD * images.containers;
    if (sum < MIN_THRESHOLD) sum = MIN_THRESHOLD;
    else if (sum > max) sum = max;
    return Math.trunc((MAX_NODE_SCORE * (sum - MIN_THRESHOLD)) / (max - MIN_THRESHOLD));
  }
}
