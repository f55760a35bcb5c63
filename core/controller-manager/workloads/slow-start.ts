/**
 * Upstream's slowStartBatch: runs `fn` `count` times in batches of 1, 2, 4, … (from `initial`),
 * all of a batch at once, and stops after the first batch with a failure. Against a quota or a
 * failing webhook, a controller thus sends a handful of doomed requests, not hundreds.
 */
export async function slowStartBatch(count: number, initial: number, fn: () => Promise<void>): Promise<{ succeeded: number; error?: unknown }> {
  let remaining = count;
  let succeeded = 0;
  for (let batch = Math.min(remaining, initial); batch > 0; batch = Math.min(2 * batch, remaining)) {
    const results = await Promise.allSettled(Array.from({ length: batch }, fn));
    const failed = results.find((r): r is PromiseRejectedResult => r.status === "rejected");
    succeeded += results.filter((r) => r.status === "fulfilled").length;
    if (failed) return { succeeded, error: failed.reason };
    remaining -= batch;
  }
  return { succeeded };
}
