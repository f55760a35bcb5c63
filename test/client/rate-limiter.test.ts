import { describe, expect, it } from "vitest";
import { BucketRateLimiter, ItemExponentialFailureRateLimiter, defaultControllerRateLimiter } from "../../core/client/rate-limiter.js";
import { FakeClock } from "../support/fake-clock.js";

describe("rate limiters", () => {
  it("per-item exponential backoff doubles from 5 ms and caps at 1000 s", () => {
    const l = new ItemExponentialFailureRateLimiter<string>(5, 1_000_000);
    const waits = Array.from({ length: 6 }, () => l.when("a"));
    expect(waits).toEqual([5, 10, 20, 40, 80, 160]);
    for (let i = 0; i < 40; i++) l.when("a");
    expect(l.when("a")).toBe(1_000_000);
    expect(l.when("b")).toBe(5);
    expect(l.numRequeues("a")).toBe(47);
    l.forget("a");
    expect(l.numRequeues("a")).toBe(0);
    expect(l.when("a")).toBe(5);
  });

  it("the bucket lets a burst through, then paces at qps, and refills with time", () => {
    const clock = new FakeClock();
    const l = new BucketRateLimiter<string>(10, 100, clock);
    for (let i = 0; i < 100; i++) expect(l.when()).toBe(0);
    expect(l.when()).toBeCloseTo(100);
    expect(l.when()).toBeCloseTo(200);
    clock.advance(10_000);
    // 10 s at 10 qps refills 100 tokens, of which 2 were owed.
    for (let i = 0; i < 98; i++) expect(l.when()).toBe(0);
    expect(l.when()).toBeCloseTo(100);
  });

  it("the default controller limiter takes the longer of the two waits", () => {
    const clock = new FakeClock();
    const l = defaultControllerRateLimiter<string>(clock);
    expect(l.when("x")).toBe(5);
    expect(l.when("x")).toBe(10);
    for (let i = 0; i < 98; i++) l.when(`y${i}`);
    // The bucket is empty now: a fresh item waits for a token (100 ms), not its 5 ms backoff.
    expect(l.when("fresh")).toBeCloseTo(100);
  });
});
