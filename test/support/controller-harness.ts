import { afterEach } from "vitest";
import type { ResourceRef } from "../../core/client/index.js";
import type { Controller } from "../../core/controller-manager/index.js";
import { FakeApi } from "./fake-api.js";
import { FakeClock } from "./fake-clock.js";
import { fakeControllerHandle } from "./fake-controller-handle.js";

const stops: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (stops.length) await stops.pop()!();
});

/**
 * Runs one controller over a FakeApi serving `resources`, on a FakeClock that the API's
 * timestamps follow too; stopped after each test.
 */
export function runController<C extends Controller>(resources: ResourceRef[], make: (h: ReturnType<typeof fakeControllerHandle>) => C) {
  const clock = new FakeClock(Date.parse("2026-01-01T00:00:00Z"));
  const api = new FakeApi(resources, () => clock.now());
  const h = fakeControllerHandle({ api, clock });
  const controller = make(h);
  const ac = new AbortController();
  const run = controller.run(ac.signal);
  h.informers.start(ac.signal);
  stops.push(async () => {
    ac.abort();
    await run;
    await h.informers.stop();
  });
  return { api, h, clock, controller };
}

/** Waits (in real time, briefly) for `check`, naming `what` when it never holds. */
export async function until(what: string, check: () => boolean): Promise<void> {
  for (let i = 0; i < 400; i++) {
    if (check()) return;
    await new Promise((r) => setTimeout(r, 5));
  }
  throw new Error(`timed out waiting for ${what}`);
}

/** Lets pending watch events and syncs run. */
export async function settle(ms = 30): Promise<void> {
  await new Promise((r) => setTimeout(r, ms));
}
