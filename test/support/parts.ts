/**
 * Whether a system part an integration test drives is here. A missing part skips the
 * test with a message naming what provides it; under KITBASH_REQUIRE_SYSTEM_PARTS=1
 * (set by .ci/run, which installs every part) a missing part is a failure instead.
 */
export function partAvailable(part: string, present: boolean, providedBy: string): boolean {
  if (present) return true;
  const message = `${part} is missing (provided by ${providedBy})`;
  if (process.env.KITBASH_REQUIRE_SYSTEM_PARTS === "1") throw new Error(`${message}; CI requires it`);
  console.log(`skipping tests that need ${part}: ${message}`);
  return false;
}
