import { describe, expect, it } from "vitest";
import { Resources, type KubeObject } from "../../../core/client/index.js";
import { TtlAfterFinishedController } from "../../../plugins/controller-manager/controllers/ttl-after-finished/ttl-after-finished-controller.js";
import { runController, settle, until } from "../../support/controller-harness.js";

const JOBS = "/apis/batch/v1/namespaces/d/jobs";
const job = (name: string, ttl: number | undefined, finishedAt: string | undefined): KubeObject =>
  ({
    apiVersion: "batch/v1",
    kind: "Job",
    metadata: { name },
    spec: { ...(ttl !== undefined ? { ttlSecondsAfterFinished: ttl } : {}) },
    status: finishedAt ? { conditions: [{ type: "Complete", status: "True", lastTransitionTime: finishedAt }] } : {},
  }) as KubeObject;

describe("ttl-after-finished controller (fake API, fake clock)", () => {
  it.each([
    { name: "expired TTL", ttl: 0, finishedAt: "2026-01-01T00:00:00Z", advance: 0, deleted: true },
    { name: "TTL not yet run out", ttl: 100, finishedAt: "2026-01-01T00:00:00Z", advance: 50_000, deleted: false },
    { name: "TTL runs out as the clock passes it", ttl: 100, finishedAt: "2026-01-01T00:00:00Z", advance: 101_000, deleted: true },
    { name: "no TTL", ttl: undefined, finishedAt: "2025-01-01T00:00:00Z", advance: 0, deleted: false },
    { name: "not finished", ttl: 0, finishedAt: undefined, advance: 0, deleted: false },
  ])("$name", async ({ ttl, finishedAt, advance, deleted }) => {
    const env = runController([Resources.jobs], (h) => new TtlAfterFinishedController({ concurrentSyncs: 1 }, h));
    env.api.seed(JOBS, job("j", ttl, finishedAt));
    await settle();
    env.clock.advance(advance);
    const gone = () => !!env.api.peek(`${JOBS}/j`)?.metadata.deletionTimestamp || !env.api.peek(`${JOBS}/j`);
    if (deleted) {
      await until("deletion", gone);
      // Foreground: the Job waits for its pods to go first.
      expect(env.api.peek(`${JOBS}/j`)?.metadata.finalizers).toEqual(["foregroundDeletion"]);
      expect(env.api.requests.some((r) => r.startsWith("DELETE /apis/batch/v1/namespaces/d/jobs/j"))).toBe(true);
    } else {
      await settle(60);
      expect(gone()).toBe(false);
    }
  });
});
