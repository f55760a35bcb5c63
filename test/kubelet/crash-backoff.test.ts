import { describe, expect, it } from "vitest";
import { CrashBackoff } from "../../core/kubelet/crash-backoff.js";

describe("CrashBackoff", () => {
  it("restarts at once the first time, then waits 10 s doubling to the 5 min cap", () => {
    const b = new CrashBackoff();
    expect(b.remaining("p/c", 0, 0)).toBe(0);
    const delays: number[] = [];
    let now = 0;
    for (let i = 0; i < 7; i++) {
      b.next("p/c", now);
      delays.push(b.delay("p/c"));
      now += b.delay("p/c");
    }
    expect(delays).toEqual([10_000, 20_000, 40_000, 80_000, 160_000, 300_000, 300_000]);
  });

  it("counts the wait from the container's exit", () => {
    const b = new CrashBackoff();
    b.next("p/c", 1_000);
    expect(b.remaining("p/c", 5_000, 6_000)).toBe(9_000);
    expect(b.remaining("p/c", 5_000, 15_000)).toBe(0);
  });

  it("forgets a key unused for twice the cap, so a long healthy run starts over at 10 s", () => {
    const b = new CrashBackoff();
    b.next("p/c", 0);
    b.next("p/c", 1);
    expect(b.delay("p/c")).toBe(20_000);
    b.next("p/c", 700_000);
    expect(b.delay("p/c")).toBe(10_000);
  });
});
