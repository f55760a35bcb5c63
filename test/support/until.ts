/**
 * Polls `probe` every 50 ms until it gives a truthy value, which it returns. A probe that
 * throws counts as not yet; after `ms` the failure names `what` and the last error seen.
 */
export async function until<T>(what: string, probe: () => Promise<T | undefined | false> | T | undefined | false, ms = 20_000): Promise<T> {
  const end = Date.now() + ms;
  let last: unknown;
  for (;;) {
    const v = await Promise.resolve()
      .then(probe)
      .catch((err: unknown) => {
        last = err;
        return undefined;
      });
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out after ${ms} ms waiting for ${what}${last ? ` (last error: ${(last as Error).message ?? String(last)})` : ""}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
