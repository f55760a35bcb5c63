import { describe, expect, it } from "vitest";
import { createRootMetrics } from "../../core/kernel/metrics.js";
import { ItemExponentialFailureRateLimiter } from "../../core/client/rate-limiter.js";
import { WorkQueue, runWorkers } from "../../core/client/workqueue.js";
import { workQueueMetrics } from "../../core/client/workqueue-metrics.js";
import { FakeClock } from "../support/fake-clock.js";

const queue = (clock = new FakeClock()) => new WorkQueue<string>({ name: "test", clock, rateLimiter: new ItemExponentialFailureRateLimiter(5, 1_000_000) });

describe("WorkQueue", () => {
  it("queues an item once however often it is added, in first-added order", async () => {
    const q = queue();
    for (const k of ["a", "b", "a", "c", "b"]) q.add(k);
    expect(q.len()).toBe(3);
    expect([await q.get(), await q.get(), await q.get()]).toEqual(["a", "b", "c"]);
  });

  it("never hands out an item being processed; an add meanwhile queues it again after done", async () => {
    const q = queue();
    q.add("a");
    const first = await q.get();
    q.add("a");
    expect(q.len()).toBe(0);
    let second: string | undefined;
    void q.get().then((v) => (second = v));
    await Promise.resolve();
    expect(second).toBeUndefined();
    q.done(first!);
    await Promise.resolve();
    expect(second).toBe("a");
  });

  it("addRateLimited waits the item's backoff; forget resets it", () => {
    const clock = new FakeClock();
    const q = queue(clock);
    q.addRateLimited("a");
    expect(q.len()).toBe(0);
    clock.advance(4);
    expect(q.len()).toBe(0);
    clock.advance(1);
    expect(q.len()).toBe(1);
    q.addRateLimited("b");
    q.addRateLimited("b");
    expect(q.numRequeues("b")).toBe(2);
    q.forget("b");
    expect(q.numRequeues("b")).toBe(0);
  });

  it("addAfter keeps the sooner of two requests for one item", () => {
    const clock = new FakeClock();
    const q = queue(clock);
    q.addAfter("a", 1000);
    q.addAfter("a", 100);
    q.addAfter("a", 5000);
    clock.advance(100);
    expect(q.len()).toBe(1);
    clock.advance(10_000);
    expect(q.len()).toBe(1);
  });

  it("shutDown wakes waiting getters with undefined and refuses adds", async () => {
    const q = queue();
    const waiting = q.get();
    q.shutDown();
    expect(await waiting).toBeUndefined();
    q.add("x");
    expect(q.len()).toBe(0);
  });

  it("shutDownWithDrain hands out what is queued and resolves once everything handed out is done", async () => {
    const q = queue();
    q.add("a");
    q.add("b");
    const a = await q.get();
    let drained = false;
    const drain = q.shutDownWithDrain().then(() => (drained = true));
    expect(await q.get()).toBe("b");
    expect(await q.get()).toBeUndefined();
    q.done("b");
    await Promise.resolve();
    expect(drained).toBe(false);
    q.done(a!);
    await drain;
    expect(drained).toBe(true);
  });

  it("records upstream's workqueue metrics under the queue's name", async () => {
    const metrics = createRootMetrics();
    const clock = new FakeClock();
    const q = new WorkQueue<string>({ name: "deployment", clock, metrics: workQueueMetrics(metrics) });
    q.add("a");
    q.add("b");
    clock.advance(2000);
    const a = await q.get();
    clock.advance(500);
    q.done(a!);
    q.addRateLimited("a");
    const text = await metrics.registry.metrics();
    expect(text).toMatch(/workqueue_adds_total\{name="deployment"\} 2/);
    expect(text).toMatch(/workqueue_depth\{name="deployment"\} 1/);
    expect(text).toMatch(/workqueue_retries_total\{name="deployment"\} 1/);
    expect(text).toMatch(/workqueue_queue_duration_seconds_sum\{name="deployment"\} 2\b/);
    expect(text).toMatch(/workqueue_work_duration_seconds_sum\{name="deployment"\} 0\.5\b/);
  });
});

describe("runWorkers", () => {
  it("processes each key with at most one worker at a time and retries failures with backoff", async () => {
    const q = new WorkQueue<string>({ name: "w", rateLimiter: new ItemExponentialFailureRateLimiter(1, 10) });
    const active = new Set<string>();
    let overlap = false;
    const attempts = new Map<string, number>();
    const run = runWorkers(q, 4, async (key) => {
      if (active.has(key)) overlap = true;
      active.add(key);
      await new Promise((r) => setTimeout(r, 2));
      // Adding the same key while it is processed must not start a second worker on it.
      q.add(key);
      active.delete(key);
      const n = (attempts.get(key) ?? 0) + 1;
      attempts.set(key, n);
      if (key === "flaky" && n < 3) throw new Error("not yet");
    });
    for (const k of ["a", "b", "flaky"]) q.add(k);
    await new Promise((r) => setTimeout(r, 100));
    await q.shutDownWithDrain();
    await run;
    expect(overlap).toBe(false);
    expect(attempts.get("flaky")).toBeGreaterThanOrEqual(3);
    expect(q.numRequeues("flaky")).toBe(0);
  });

  it("drops an item after maxRetries and reports it", async () => {
    const q = new WorkQueue<string>({ name: "w", rateLimiter: new ItemExponentialFailureRateLimiter(1, 1) });
    const errors: boolean[] = [];
    const run = runWorkers(q, 1, async () => {
      throw new Error("always");
    }, { maxRetries: 2, onError: (_k, _e, retry) => errors.push(retry) });
    q.add("x");
    await new Promise((r) => setTimeout(r, 50));
    q.shutDown();
    await run;
    expect(errors).toEqual([true, true, false]);
  });
});
