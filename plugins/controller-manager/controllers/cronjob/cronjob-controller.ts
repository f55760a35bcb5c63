import { CONTROLLER_UID_INDEX, Resources, controllerUidIndex, isAlreadyExists, isNotFound, runWorkers, type KubeObject, type SharedInformer } from "../../../../core/client/index.js";
import { controllerRefOf, controllerRefTo, sameStatus, timeString, type Condition, type Controller, type ControllerManagerHandle } from "../../../../core/controller-manager/index.js";
import type { CronJobControllerArgs } from "../../../../schemas/generated/plugins/controller-manager/cronjob.args.js";
import { isKnownTimeZone, parseCronSchedule, type CronSchedule } from "./cron-schedule.js";

export type CronJobControllerOptions = Required<CronJobControllerArgs>;

interface CronJob extends KubeObject {
  spec: {
    schedule: string;
    timeZone?: string;
    startingDeadlineSeconds?: number;
    concurrencyPolicy?: "Allow" | "Forbid" | "Replace";
    suspend?: boolean;
    successfulJobsHistoryLimit?: number;
    failedJobsHistoryLimit?: number;
    jobTemplate: { metadata?: { labels?: Record<string, string>; annotations?: Record<string, string> }; spec: Record<string, unknown> };
  };
  status?: { active?: ObjectRef[]; lastScheduleTime?: string; lastSuccessfulTime?: string };
}

interface ObjectRef {
  apiVersion?: string;
  kind?: string;
  name: string;
  namespace?: string;
  uid?: string;
  resourceVersion?: string;
}

interface Job extends KubeObject {
  status?: { conditions?: Condition[]; completionTime?: string; startTime?: string };
}

export const SCHEDULED_TIMESTAMP = "batch.kubernetes.io/cronjob-scheduled-timestamp";
const MAX_MISSED = 100;
/** Upstream waits a little past the scheduled minute so that the clock has surely reached it. */
const NEXT_SLACK_MS = 100;

function finished(job: Job): "Complete" | "Failed" | undefined {
  return job.status?.conditions?.find((c) => (c.type === "Complete" || c.type === "Failed") && c.status === "True")?.type as "Complete" | "Failed" | undefined;
}

/**
 * Upstream's cronjob controller (v2): at each scheduled time of a CronJob's schedule in its time
 * zone makes a Job named `<cronjob>-<minutes since the epoch>`, honouring suspend,
 * startingDeadlineSeconds and concurrencyPolicy; keeps status.active, lastScheduleTime and
 * lastSuccessfulTime, and deletes finished Jobs beyond the history limits.
 */
export class CronJobController implements Controller {
  readonly aliases = ["cronjob-controller"];

  constructor(
    private readonly args: CronJobControllerOptions,
    private readonly handle: ControllerManagerHandle,
  ) {}

  async run(signal: AbortSignal): Promise<void> {
    const { informers, logger } = this.handle;
    const queue = this.handle.newQueue<string>("cronjob");
    const cronJobs = informers.informerFor<CronJob>(Resources.cronJobs);
    const jobs = informers.informerFor<Job>(Resources.jobs);
    jobs.addIndexers({ [CONTROLLER_UID_INDEX]: controllerUidIndex });
    const k = (o: KubeObject) => `${o.metadata.namespace}/${o.metadata.name}`;
    cronJobs.addEventHandler({ onAdd: (c) => queue.add(k(c)), onUpdate: (_o, c) => queue.add(k(c)) });
    const owner = (j: Job) => {
      const ref = controllerRefOf(j);
      if (ref?.kind === "CronJob") queue.add(`${j.metadata.namespace}/${ref.name}`);
    };
    jobs.addEventHandler({ onAdd: owner, onUpdate: (_o, j) => owner(j), onDelete: owner });
    signal.addEventListener("abort", () => void queue.shutDownWithDrain(), { once: true });
    if (!(await informers.waitForCacheSync(signal))) return;
    await runWorkers(
      queue,
      this.args.concurrentSyncs,
      async (key) => {
        const after = await this.sync(key, cronJobs, jobs);
        if (after !== undefined) queue.addAfter(key, after);
      },
      { onError: (key, err) => logger.warn({ cronjob: key, err: (err as Error).message }, "cronjob sync failed; retrying") },
    );
  }

  /** Answers how long until the CronJob wants another look, if it does. */
  async sync(key: string, cronJobs: SharedInformer<CronJob>, jobs: SharedInformer<Job>): Promise<number | undefined> {
    const cached = cronJobs.store.get(key);
    if (!cached) return;
    const cj = structuredClone(cached);
    const ns = cj.metadata.namespace!;
    const now = this.handle.clock.now();
    const rec = this.handle.recorder;
    const owned = jobs.store.byIndex(CONTROLLER_UID_INDEX, cj.metadata.uid!).filter((j) => j.metadata.namespace === ns);
    const status = (cj.status ??= {});
    const before = structuredClone(status);

    // Reconcile status.active with the Jobs as they are.
    const byUid = new Map(owned.map((j) => [j.metadata.uid, j]));
    status.active = (status.active ?? []).filter((ref) => {
      const j = byUid.get(ref.uid);
      if (!j) return false;
      if (!finished(j)) return true;
      rec.event(cj, "Normal", "SawCompletedJob", "Sync", `Saw completed job: ${j.metadata.name}, condition: ${finished(j)}`);
      return false;
    });
    for (const j of owned) {
      if (!finished(j) && !status.active.some((r) => r.uid === j.metadata.uid)) status.active.push(refTo(j));
      if (finished(j) === "Complete" && j.status?.completionTime && (!status.lastSuccessfulTime || j.status.completionTime > status.lastSuccessfulTime)) {
        status.lastSuccessfulTime = j.status.completionTime;
      }
    }
    if (!status.active.length) delete status.active;

    await this.cleanUpHistory(cj, owned);
    let requeue: number | undefined;
    if (!cj.metadata.deletionTimestamp && !cj.spec.suspend) requeue = await this.schedule(cj, owned, now);
    if (!sameStatus(status, before)) {
      await this.handle.client.resource<CronJob>(Resources.cronJobs, ns).updateStatus(cj);
    }
    return requeue;
  }

  /** Makes the Job of the most recent missed time, if it is due; answers the wait until the next. */
  private async schedule(cj: CronJob, owned: Job[], now: number): Promise<number | undefined> {
    const rec = this.handle.recorder;
    const zone = cj.spec.timeZone ?? "UTC";
    if (!isKnownTimeZone(zone)) {
      rec.event(cj, "Warning", "UnknownTimeZone", "Schedule", `invalid timeZone: "${zone}"`);
      return;
    }
    let sched: CronSchedule;
    try {
      sched = parseCronSchedule(cj.spec.schedule, zone);
    } catch (err) {
      rec.event(cj, "Warning", "UnparseableSchedule", "Schedule", `unparseable schedule: "${cj.spec.schedule}" : ${(err as Error).message}`);
      return;
    }
    const status = cj.status!;
    let earliest = Date.parse(status.lastScheduleTime ?? cj.metadata.creationTimestamp ?? timeString(now));
    const deadline = cj.spec.startingDeadlineSeconds;
    if (deadline !== undefined) earliest = Math.max(earliest, now - deadline * 1000);
    let scheduled: number | undefined;
    let missed = 0;
    for (let t = sched.next(earliest); t !== undefined && t <= now; t = sched.next(t)) {
      scheduled = t;
      if (++missed > MAX_MISSED) break;
    }
    const untilNext = () => {
      const n = sched.next(now);
      return n === undefined ? undefined : n - now + NEXT_SLACK_MS;
    };
    if (scheduled === undefined) return untilNext();
    if (missed > MAX_MISSED) {
      rec.event(cj, "Warning", "TooManyMissedTimes", "Schedule", "too many missed start times. Set or decrease .spec.startingDeadlineSeconds or check clock skew");
      for (let t = sched.next(scheduled); t !== undefined && t <= now; t = sched.next(t)) scheduled = t;
    }
    if (deadline !== undefined && scheduled + deadline * 1000 < now) {
      rec.event(cj, "Warning", "MissSchedule", "Schedule", `Missed scheduled time to start a job: ${timeString(scheduled)}`);
      return untilNext();
    }
    const name = `${cj.metadata.name}-${Math.floor(scheduled / 60_000)}`;
    if (owned.some((j) => j.metadata.name === name)) return untilNext();
    const policy = cj.spec.concurrencyPolicy ?? "Allow";
    if (policy === "Forbid" && status.active?.length) {
      rec.event(cj, "Normal", "JobAlreadyActive", "Schedule", "Not starting job because prior execution is running and concurrency policy is Forbid");
      return untilNext();
    }
    if (policy === "Replace") {
      for (const ref of status.active ?? []) {
        await this.deleteJob(cj, ref.name);
      }
      delete status.active;
    }
    const job = this.jobFor(cj, name, scheduled, zone);
    try {
      const made = await this.handle.client.resource<Job>(Resources.jobs, cj.metadata.namespace).create(job);
      rec.event(cj, "Normal", "SuccessfulCreate", "Create", `Created job ${name}`);
      status.active = [...(status.active ?? []), refTo(made)];
    } catch (err) {
      if (!isAlreadyExists(err)) {
        rec.event(cj, "Warning", "FailedCreate", "Create", `Error creating job: ${(err as Error).message}`);
        throw err;
      }
    }
    status.lastScheduleTime = timeString(scheduled);
    return untilNext();
  }

  private jobFor(cj: CronJob, name: string, scheduled: number, zone: string): Job {
    const tpl = cj.spec.jobTemplate;
    return {
      apiVersion: "batch/v1",
      kind: "Job",
      metadata: {
        name,
        namespace: cj.metadata.namespace!,
        labels: { ...tpl.metadata?.labels },
        annotations: { ...tpl.metadata?.annotations, [SCHEDULED_TIMESTAMP]: zonedRfc3339(scheduled, zone) },
        ownerReferences: [controllerRefTo(cj, "batch/v1", "CronJob")],
      },
      spec: structuredClone(tpl.spec),
    } as Job;
  }

  /** Deletes finished Jobs beyond successfulJobsHistoryLimit (3) and failedJobsHistoryLimit (1), oldest first. */
  private async cleanUpHistory(cj: CronJob, owned: Job[]): Promise<void> {
    const started = (j: Job) => j.status?.startTime ?? j.metadata.creationTimestamp ?? "";
    for (const [kind, limit] of [
      ["Complete", cj.spec.successfulJobsHistoryLimit ?? 3],
      ["Failed", cj.spec.failedJobsHistoryLimit ?? 1],
    ] as const) {
      const done = owned.filter((j) => finished(j) === kind && !j.metadata.deletionTimestamp).sort((a, b) => started(a).localeCompare(started(b)));
      for (const j of done.slice(0, Math.max(0, done.length - limit))) await this.deleteJob(cj, j.metadata.name!);
    }
  }

  private async deleteJob(cj: CronJob, name: string): Promise<void> {
    try {
      await this.handle.client.resource(Resources.jobs, cj.metadata.namespace).delete(name, { propagationPolicy: "Background" });
      this.handle.recorder.event(cj, "Normal", "SuccessfulDelete", "Delete", `Deleted job ${name}`);
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
  }
}

function refTo(j: KubeObject): ObjectRef {
  return { apiVersion: "batch/v1", kind: "Job", name: j.metadata.name!, namespace: j.metadata.namespace!, uid: j.metadata.uid!, resourceVersion: j.metadata.resourceVersion! };
}

/** RFC 3339 with the zone's offset, as upstream writes the scheduled-timestamp annotation. */
function zonedRfc3339(ms: number, zone: string): string {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat("en-US", { timeZone: zone, hourCycle: "h23", year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit", second: "2-digit" })
      .formatToParts(ms)
      .map((p) => [p.type, p.value]),
  );
  const local = Date.UTC(+parts.year!, +parts.month! - 1, +parts.day!, +parts.hour! % 24, +parts.minute!, +parts.second!);
  const offMin = Math.round((local - Math.floor(ms / 1000) * 1000) / 60_000);
  const wall = `${parts.year}-${parts.month}-${parts.day}T${String(+parts.hour! % 24).padStart(2, "0")}:${parts.minute}:${parts.second}`;
  if (offMin === 0) return wall + "Z";
  const sign = offMin < 0 ? "-" : "+";
  const a = Math.abs(offMin);
  return `${wall}${sign}${String(Math.floor(a / 60)).padStart(2, "0")}:${String(a % 60).padStart(2, "0")}`;
}
