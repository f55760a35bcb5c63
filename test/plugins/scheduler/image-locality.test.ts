import { describe, expect, it } from "vitest";
import { CycleState } from "../../../core/scheduler/cycle-state.js";
import { NodeInfo } from "../../../core/scheduler/node-info.js";
import { ImageLocality, normalizedImageName } from "../../../plugins/scheduler/score/image-locality/locality.js";
import { makeNode, makePod } from "../../scheduler/fixtures.js";

const MB = 1024 * 1024;
function withImages(name: string, images: [string, number][]): NodeInfo {
  const node = makeNode(name);
  node.status!.images = images.map(([n, size]) => ({ names: [n], sizeBytes: size }));
  return new NodeInfo(node);
}

describe("ImageLocality", () => {
  it.each([
    ["busybox", "busybox:latest"],
    ["docker.io/library/busybox:1.36", "docker.io/library/busybox:1.36"],
    ["registry:5000/app", "registry:5000/app:latest"],
    ["app@sha256:abc", "app@sha256:abc"],
  ])("normalizes %s to %s", (name, want) => {
    expect(normalizedImageName(name)).toBe(want);
  });

  it.each([
    ["no image present", [], 0],
    ["small image under the threshold", [["busybox:latest", 10 * MB]], 0],
    ["large image on every node", [["busybox:latest", 500 * MB]], Math.trunc((100 * (500 * MB - 23 * MB)) / (1000 * MB - 23 * MB))],
    ["huge image clamps to 100", [["busybox:latest", 2000 * MB]], 100],
  ] as [string, [string, number][], number][])("%s", (_c, images, want) => {
    const plugin = new ImageLocality();
    const pod = makePod("p", { containers: [{ name: "c", image: "busybox" }] });
    const node = withImages("n", images);
    const state = new CycleState();
    plugin.preScore(state, pod, [node]);
    expect(plugin.score(state, pod, node)).toBe(want);
  });

  it("discounts an image only one of several nodes holds", () => {
    const plugin = new ImageLocality();
    const pod = makePod("p", { containers: [{ name: "c", image: "big:1" }] });
    const holder = withImages("holder", [["big:1", 800 * MB]]);
    const others = [withImages("o1", []), withImages("o2", []), withImages("o3", [])];
    const state = new CycleState();
    plugin.preScore(state, pod, [holder, ...others]);
    // 800 MB × 1/4 = 200 MB.
    expect(plugin.score(state, pod, holder)).toBe(Math.trunc((100 * (200 * MB - 23 * MB)) / (1000 * MB - 23 * MB)));
  });
});
