import { describe, expect, it } from "vitest";
import { PodWorkers } from "../../core/kubelet/pod-workers.js";

const tick = (ms = 5) => new Promise((r) => setTimeout(r, ms));

describe("PodWorkers", () => {
  it("never overlaps syncs of one pod and folds updates that arrive meanwhile into one more sync", async () => {
    let running = 0;
    let maxRunning = 0;
    const calls: string[] = [];
    const release: (() => void)[] = [];
    const w = new PodWorkers(async (uid) => {
      calls.push(uid);
      running++;
      maxRunning = Math.max(maxRunning, running);
      await new Promise<void>((r) => release.push(r));
      running--;
    });
    w.update("a");
    w.update("a");
    w.update("a");
    w.update("b");
    await tick();
    expect(calls).toEqual(["a", "b"]);
    release.shift()!();
    release.shift()!();
    await tick();
    expect(calls).toEqual(["a", "b", "a"]);
    release.shift()!();
    await tick();
    expect(calls).toEqual(["a", "b", "a"]);
    expect(maxRunning).toBe(2);
    await w.stop();
  });

  it("keeps the sooner of two delayed syncs and runs none after stop", async () => {
    const calls: number[] = [];
    const w = new PodWorkers(async () => void calls.push(Date.now()));
    const start = Date.now();
    w.updateAfter("a", 200);
    w.updateAfter("a", 20);
    await tick(80);
    expect(calls).toHaveLength(1);
    expect(calls[0]! - start).toBeLessThan(150);
    w.updateAfter("a", 20);
    await w.stop();
    await tick(60);
    expect(calls).toHaveLength(1);
  });
});
