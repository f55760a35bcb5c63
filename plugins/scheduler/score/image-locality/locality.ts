import type { CycleState, StateData } from "../../../../core/scheduler/cycle-state.js";
import { MAX_NODE_SCORE } from "../../../../core/scheduler/framework.js";
import type { NodeInfo } from "../../../../core/scheduler/node-info.js";
import type { PreScorePlugin, ScorePlugin } from "../../../../core/scheduler/points.js";
import type { Node, Pod } from "../../../../core/scheduler/types.js";

const MB = 1024 * 1024;
/** Upstream's thresholds: below 23 MB an image is not worth chasing; the ceiling grows per container. */
const MIN_THRESHOLD = 23 * MB;
const MAX_CONTAINER_THRESHOLD = 1000 * MB;

/** "busybox" and "busybox:latest" are one image, as upstream normalizes names without a tag or digest. */
export function normalizedImageName(name: string): string {
  const lastSlash = name.lastIndexOf("/");
  const tail = name.slice(lastSlash + 1);
  return tail.includes(":") || tail.includes("@") ? name : `${name}:latest`;
}

function nodeImages(node: Node): Map<string, number> {
  const out = new Map<string, number>();
  for (const img of node.status?.images ?? []) for (const n of img.names ?? []) out.set(normalizedImageName(n), img.sizeBytes ?? 0);
  return out;
}

class SpreadState implements StateData {
  constructor(readonly nodesWithImage: Map<string, number>, readonly totalNodes: number) {}
  clone(): StateData {
    return this;
  }
}
const KEY = "PreScoreImageLocality";

/**
 * Prefers nodes that already hold the pod's images, weighting each image's size
 * by how widely it is spread (so one node holding a rare image does not attract
 * every pod), scaled between the thresholds to 0-100.
 */
export class ImageLocality implements PreScorePlugin, ScorePlugin {
  preScore(state: CycleState, pod: Pod, nodes: readonly NodeInfo[]): void {
    const wanted = new Set(containersOf(pod).map((c) => normalizedImageName(c)));
    const counts = new Map<string, number>();
    for (const n of nodes) for (const name of nodeImages(n.node).keys()) if (wanted.has(name)) counts.set(name, (counts.get(name) ?? 0) + 1);
    state.write(KEY, new SpreadState(counts, nodes.length));
  }

  score(state: CycleState, pod: Pod, node: NodeInfo): number {
    const spread = state.read<SpreadState>(KEY);
    const images = nodeImages(node.node);
    const containers = containersOf(pod);
    let sum = 0;
    for (const image of containers) {
      const name = normalizedImageName(image);
      const size = images.get(name);
      if (size === undefined) continue;
      const total = spread?.totalNodes || 1;
      sum += Math.trunc(size * ((spread?.nodesWithImage.get(name) ?? 1) / total));
    }
    const max = MAX_CONTAINER_THRESHOLD * Math.max(1, containers.length);
    const clamped = Math.min(Math.max(sum, MIN_THRESHOLD), max);
    return Math.trunc((MAX_NODE_SCORE * (clamped - MIN_THRESHOLD)) / (max - MIN_THRESHOLD));
  }
}

function containersOf(pod: Pod): string[] {
  return [...(pod.spec.initContainers ?? []), ...(pod.spec.containers ?? [])].map((c) => c.image).filter((i): i is string => !!i);
}
