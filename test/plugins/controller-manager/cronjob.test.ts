import { describe, expect, it } from "vitest";
import { Resources, type KubeObject } from "../../../core/client/index.js";
import { CronJobController } from "../../../plugins/controller-manager/controllers/cronjob/cronjob-controller.js";
import { runController, settle, until } from "../../support/controller-harness.js";

const CJS = "/apis/batch/v1/namespaces/d/cronjobs";
const JOBS = "/apis/batch/v1/namespaces/d/jobs";
const T0 = Date.parse("2026-01-01T00:00:00Z");
const MIN = 60_000;

function cronJob(spec: Record<string, unknown> = {}): KubeObject {
  return { apiVersion: "batch/v1", kind: "CronJob", metadata: { name: "cj" }, spec: { schedule: "*/5 * * * *", jobTemplate: { metadata: { labels: { app: "x" } }, spec: { template: { spec: { containers: [{ name: "c" }] } } } }, ...spec } } as KubeObject;
}

function start() {
  return runController([Resources.cronJobs, Resources.jobs], (h) => new CronJobController({ concurrentSyncs: 2 }, h));
}

type Env = ReturnType<typeof start>;
const jobs = (env: Env) => env.api.list(JOBS);
const owned = (cj: KubeObject, name: string, condition?: string, startTime?: string): KubeObject =>
  ({
    apiVersion: "batch/v1",
    kind: "Job",
    metadata: { name, ownerReferences: [{ apiVersion: "batch/v1", kind: "CronJob", name: "cj", uid: cj.metadata.uid!, controller: true }] },
    status: { ...(condition ? { conditions: [{ type: condition, status: "True" }], completionTime: startTime } : {}), ...(startTime ? { startTime } : {}) },
  }) as KubeObject;

describe("cronjob controller (fake API, fake clock)", () => {
  it("makes <name>-<epoch minutes> at each scheduled time, with the scheduled-timestamp annotation and lastScheduleTime", async () => {
    const env = start();
    env.api.seed(CJS, cronJob({ timeZone: "Asia/Kolkata" }));
    await settle();
    expect(jobs(env)).toHaveLength(0);
    env.clock.advance(5 * MIN + 200);
    await until("first job", () => jobs(env).length === 1);
    const j = jobs(env)[0]!;
    expect(j.metadata.name).toBe(`cj-${(T0 + 5 * MIN) / MIN}`);
    expect(j.metadata.labels).toEqual({ app: "x" });
    expect(j.metadata.annotations?.["batch.kubernetes.io/cronjob-scheduled-timestamp"]).toBe("2026-01-01T05:35:00+05:30");
    expect(j.metadata.ownerReferences?.[0]).toMatchObject({ kind: "CronJob", name: "cj", controller: true });
    await until("status", () => (env.api.peek(`${CJS}/cj`)?.status as any)?.lastScheduleTime === "2026-01-01T00:05:00Z");
    expect((env.api.peek(`${CJS}/cj`)?.status as any).active).toEqual([expect.objectContaining({ name: j.metadata.name, kind: "Job" })]);
    env.clock.advance(5 * MIN);
    await until("second job", () => jobs(env).length === 2);
  });

  it.each([
    { policy: "Allow", want: 2, oldStays: true },
    { policy: "Forbid", want: 1, oldStays: true },
    { policy: "Replace", want: 1, oldStays: false },
  ])("concurrencyPolicy $policy with a job still running", async ({ policy, want, oldStays }) => {
    const env = start();
    const [cj] = env.api.seed(CJS, cronJob({ concurrencyPolicy: policy }));
    env.api.seed(JOBS, owned(cj!, "cj-old"));
    env.clock.advance(5 * MIN + 200);
    await until("decision", () => (policy === "Forbid" ? env.h.events.some((e) => e.reason === "JobAlreadyActive") : jobs(env).some((j) => j.metadata.name !== "cj-old")));
    await settle();
    expect(jobs(env)).toHaveLength(want);
    expect(jobs(env).some((j) => j.metadata.name === "cj-old")).toBe(oldStays);
  });

  it.each([
    { name: "suspend", spec: { suspend: true }, startAt: 7.5 * MIN, want: 0 },
    { name: "missed time within startingDeadlineSeconds", spec: { startingDeadlineSeconds: 180 }, startAt: 7.5 * MIN, want: 1 },
    { name: "missed time past startingDeadlineSeconds", spec: { startingDeadlineSeconds: 60 }, startAt: 7.5 * MIN, want: 0 },
    { name: "missed time with no deadline", spec: {}, startAt: 7.5 * MIN, want: 1 },
  ])("$name", async ({ spec, startAt, want }) => {
    const env = start();
    env.api.seed(CJS, cronJob(spec));
    env.clock.advance(startAt);
    // A status write or an event shows the controller looked at it at the late time.
    await env.h.client.resource(Resources.cronJobs, "d").patch("cj", "merge", { metadata: { labels: { poke: "1" } } });
    await settle(60);
    expect(jobs(env)).toHaveLength(want);
  });

  it("keeps successfulJobsHistoryLimit and failedJobsHistoryLimit, deleting the oldest", async () => {
    const env = start();
    const [cj] = env.api.seed(CJS, cronJob({ successfulJobsHistoryLimit: 1, failedJobsHistoryLimit: 1, suspend: true }));
    env.api.seed(
      JOBS,
      owned(cj!, "ok-1", "Complete", "2025-12-01T00:00:00Z"),
      owned(cj!, "ok-2", "Complete", "2025-12-02T00:00:00Z"),
      owned(cj!, "bad-1", "Failed", "2025-12-01T00:00:00Z"),
      owned(cj!, "bad-2", "Failed", "2025-12-03T00:00:00Z"),
    );
    await until("cleanup", () => jobs(env).length === 2);
    expect(jobs(env).map((j) => j.metadata.name).sort()).toEqual(["bad-2", "ok-2"]);
    await until("lastSuccessfulTime", () => (env.api.peek(`${CJS}/cj`)?.status as any)?.lastSuccessfulTime === "2025-12-02T00:00:00Z");
  });

  it("warns about an unparseable schedule", async () => {
    const env = start();
    env.api.seed(CJS, cronJob({ schedule: "* * *" }));
    await until("event", () => env.h.events.some((e) => e.reason === "UnparseableSchedule"));
  });
});
