import { CONTROLLER_UID_INDEX, Resources, controllerUidIndex, isNotFound, runWorkers, type SharedInformer } from "../../../../core/client/index.js";
import {
  Expectations,
  controllerRefOf,
  isPodActive,
  isPodReady,
  isPodTerminal,
  sameStatus,
  setCondition,
  timeString,
  type Condition,
  type Controller,
  type ControllerManagerHandle,
} from "../../../../core/controller-manager/index.js";
import type { JobControllerArgs } from "../../../../schemas/generated/plugins/controller-manager/job.args.js";
import { formatIntervals, parseIntervals } from "./indexes.js";
import { matchPodFailurePolicy } from "./pod-failure-policy.js";
import { podForJob } from "./pod-template.js";
import { JOB_TRACKING_FINALIZER, completionIndexOf, jobFinished, type Job, type JobPod, type JobStatus } from "./types.js";

export type JobControllerOptions = Required<JobControllerArgs>;

const BACKOFF_BASE_MS = 10_000;
const BACKOFF_MAX_MS = 360_000;
const ORPHAN = "pod:";

interface Failure {
  reason: string;
  message: string;
}

/**
 * Upstream's job controller: runs a Job's pods to its completions under its parallelism, counts
 * finished pods through the job-tracking finalizer (uncountedTerminatedPods first, then the
 * finalizer comes off, then the counts), and ends the Job with SuccessCriteriaMet then Complete,
 * or FailureTarget then Failed (backoffLimit, activeDeadlineSeconds, podFailurePolicy), the final
 * condition only once no pod of it is left running.
 */
export class JobController implements Controller {
  readonly aliases = ["job-controller"];
  private readonly expectations: Expectations;
  /** When a failure was last counted per Job, for the pod-recreation backoff. */
  private readonly lastFailure = new Map<string, number>();

  constructor(
    private readonly args: JobControllerOptions,
    private readonly handle: ControllerManagerHandle,
  ) {
    this.expectations = new Expectations(() => handle.clock.now());
  }

  async run(signal: AbortSignal): Promise<void> {
    const { informers, logger } = this.handle;
    const queue = this.handle.newQueue<string>("job");
    const jobs = informers.informerFor<Job>(Resources.jobs);
    const pods = informers.informerFor<JobPod>(Resources.pods);
    pods.addIndexers({ [CONTROLLER_UID_INDEX]: controllerUidIndex });
    jobs.addEventHandler({ onAdd: (j) => queue.add(key(j)), onUpdate: (_o, j) => queue.add(key(j)), onDelete: (j) => this.expectations.forget(key(j)) });
    const ownerKey = (p: JobPod) => {
      const ref = controllerRefOf(p);
      return ref?.kind === "Job" ? `${p.metadata.namespace}/${ref.name}` : undefined;
    };
    const podChanged = (p: JobPod) => {
      const k = ownerKey(p);
      if (!k) return;
      queue.add(k);
      // A finished or deleted Job's pods still holding the finalizer are released one by one.
      if (p.metadata.finalizers?.includes(JOB_TRACKING_FINALIZER)) queue.add(ORPHAN + key(p));
    };
    pods.addEventHandler({
      onAdd: (p) => {
        const k = ownerKey(p);
        if (k) this.expectations.observed(k, "adds");
        podChanged(p);
      },
      onUpdate: (old, p) => {
        const k = ownerKey(p);
        if (k && !old.metadata.deletionTimestamp && p.metadata.deletionTimestamp) this.expectations.observed(k, "dels");
        podChanged(p);
      },
      onDelete: (p) => {
        const k = ownerKey(p);
        if (k && !p.metadata.deletionTimestamp) this.expectations.observed(k, "dels");
        if (k) queue.add(k);
      },
    });
    signal.addEventListener("abort", () => void queue.shutDownWithDrain(), { once: true });
    if (!(await informers.waitForCacheSync(signal))) return;
    const sync = async (k: string) => {
      const after = k.startsWith(ORPHAN) ? await this.releaseOrphan(k.slice(ORPHAN.length), jobs, pods) : await this.syncJob(k, jobs, pods);
      if (after !== undefined) queue.addAfter(k, after);
    };
    await runWorkers(queue, this.args.concurrentSyncs, sync, {
      onError: (k, err) => logger.warn({ job: k, err: (err as Error).message }, "job sync failed; retrying"),
    });
  }

  /** Removes the finalizer from a pod whose Job is gone or finished. */
  private async releaseOrphan(podKey: string, jobs: SharedInformer<Job>, pods: SharedInformer<JobPod>): Promise<undefined> {
    const pod = pods.store.get(podKey);
    if (!pod?.metadata.finalizers?.includes(JOB_TRACKING_FINALIZER)) return;
    const ref = controllerRefOf(pod)!;
    const job = jobs.store.getBy(pod.metadata.namespace, ref.name);
    if (job && job.metadata.uid === ref.uid && !jobFinished(job)) return;
    await this.removeFinalizer(pod);
  }

  /** Answers a delay after which the Job wants another look (deadline, backoff), if any. */
  async syncJob(k: string, jobs: SharedInformer<Job>, pods: SharedInformer<JobPod>): Promise<number | undefined> {
    const job = jobs.store.get(k);
    if (!job || job.metadata.deletionTimestamp) return;
    const mine = pods.store.byIndex(CONTROLLER_UID_INDEX, job.metadata.uid!).filter((p) => p.metadata.namespace === job.metadata.namespace);
    if (jobFinished(job)) {
      for (const p of mine) if (p.metadata.finalizers?.includes(JOB_TRACKING_FINALIZER)) await this.removeFinalizer(p);
      return;
    }
    if (!this.expectations.satisfied(k)) return;
    const now = this.handle.clock.now();
    const spec = job.spec;
    const indexed = spec.completionMode === "Indexed";
    const completions = spec.completions ?? null;
    const parallelism = spec.parallelism ?? 1;
    const status: JobStatus = structuredClone(job.status ?? {});
    const conds: Condition[] = (status.conditions ??= []);
    const completed = parseIntervals(status.completedIndexes);
    const onlyReplaceFailed = !!spec.podFailurePolicy || (spec as { podReplacementPolicy?: string }).podReplacementPolicy === "Failed";

    // Count pods that finished since the last sync, through uncountedTerminatedPods.
    const uncounted = { succeeded: [...(status.uncountedTerminatedPods?.succeeded ?? [])], failed: [...(status.uncountedTerminatedPods?.failed ?? [])] };
    let failure: Failure | undefined = conds.some((c) => c.type === "FailureTarget" && c.status === "True") ? { reason: conds.find((c) => c.type === "FailureTarget")!.reason ?? "", message: "" } : undefined;
    const newlyFinished: JobPod[] = [];
    for (const p of mine) {
      if (!p.metadata.finalizers?.includes(JOB_TRACKING_FINALIZER)) continue;
      const uid = p.metadata.uid!;
      if (uncounted.succeeded.includes(uid) || uncounted.failed.includes(uid)) continue;
      if (p.status?.phase === "Succeeded") {
        const idx = completionIndexOf(p);
        if (indexed && (idx === undefined || idx >= (completions ?? 0))) {
          newlyFinished.push(p);
          continue;
        }
        if (indexed) completed.add(idx!);
        uncounted.succeeded.push(uid);
        newlyFinished.push(p);
      } else if (p.status?.phase === "Failed" || (!onlyReplaceFailed && p.metadata.deletionTimestamp && p.status?.phase !== "Succeeded")) {
        newlyFinished.push(p);
        // Pods stopped by suspension are not failures.
        if (spec.suspend && p.status?.phase !== "Failed") continue;
        const match = p.status?.phase === "Failed" && spec.podFailurePolicy ? matchPodFailurePolicy(spec.podFailurePolicy.rules, p) : undefined;
        // An ignored failure is released without counting toward backoffLimit.
        if (match?.action === "Ignore") continue;
        uncounted.failed.push(uid);
        if (match?.action === "FailJob" && !failure) {
          failure = { reason: "PodFailurePolicy", message: match.message };
        }
      }
    }
    if (newlyFinished.length) {
      if (uncounted.failed.length) this.lastFailure.set(k, now);
      // Recorded before any finalizer comes off, so a crash in between cannot lose a count.
      if (uncounted.succeeded.length || uncounted.failed.length) {
        status.uncountedTerminatedPods = uncounted;
        if (indexed) status.completedIndexes = formatIntervals(completed);
        await this.writeStatus(job, status);
      }
      for (const p of newlyFinished) await this.removeFinalizer(p);
    }
    status.succeeded = (status.succeeded ?? 0) + uncounted.succeeded.length;
    status.failed = (status.failed ?? 0) + uncounted.failed.length;
    status.uncountedTerminatedPods = {};
    if (indexed) status.completedIndexes = formatIntervals(completed);

    let active = mine.filter(isPodActive);
    const terminating = mine.filter((p) => p.metadata.deletionTimestamp && !isPodTerminal(p)).length;
    let requeue: number | undefined;

    // Suspension stops every pod and the deadline clock.
    if (spec.suspend) {
      await this.deletePods(job, active);
      active = [];
      if (setCondition(conds, { type: "Suspended", status: "True", reason: "JobSuspended", message: "Job suspended", lastProbeTime: timeString(now), lastTransitionTime: timeString(now) })) {
        delete status.startTime;
        this.handle.recorder.event(job, "Normal", "Suspended", "Suspend", "Job suspended");
      }
    } else {
      if (conds.some((c) => c.type === "Suspended" && c.status === "True")) {
        setCondition(conds, { type: "Suspended", status: "False", reason: "JobResumed", message: "Job resumed", lastProbeTime: timeString(now), lastTransitionTime: timeString(now) });
        this.handle.recorder.event(job, "Normal", "Resumed", "Resume", "Job resumed");
      }
      status.startTime ??= timeString(now);
    }

    const succeededEnough = indexed
      ? completed.size >= (completions ?? 0)
      : completions === null
        ? status.succeeded > 0 && active.length === 0
        : status.succeeded >= completions;
    if (!failure && !succeededEnough && !spec.suspend) {
      if (status.failed > (spec.backoffLimit ?? 6)) failure = { reason: "BackoffLimitExceeded", message: "Job has reached the specified backoff limit" };
      else if (spec.activeDeadlineSeconds !== undefined && status.startTime) {
        const left = Date.parse(status.startTime) + spec.activeDeadlineSeconds * 1000 - now;
        if (left <= 0) failure = { reason: "DeadlineExceeded", message: "Job was active longer than specified deadline" };
        else requeue = left;
      }
    }

    if (failure) {
      if (setCondition(conds, { type: "FailureTarget", status: "True", reason: failure.reason, message: failure.message || conds.find((c) => c.type === "FailureTarget")?.message || "", lastProbeTime: timeString(now), lastTransitionTime: timeString(now) })) {
        this.handle.recorder.event(job, "Warning", failure.reason, "FailJob", failure.message);
      }
      await this.deletePods(job, active);
      if (active.length === 0 && terminating === 0) {
        const target = conds.find((c) => c.type === "FailureTarget")!;
        setCondition(conds, { type: "Failed", status: "True", reason: target.reason!, message: target.message ?? "", lastProbeTime: timeString(now), lastTransitionTime: timeString(now) });
      }
      active = [];
    } else if (succeededEnough) {
      if (setCondition(conds, { type: "SuccessCriteriaMet", status: "True", reason: "CompletionsReached", message: "Reached expected number of succeeded pods", lastProbeTime: timeString(now), lastTransitionTime: timeString(now) })) {
        await this.deletePods(job, active);
        active = [];
      }
      if (active.length === 0 && terminating === 0) {
        setCondition(conds, { type: "Complete", status: "True", reason: "CompletionsReached", message: "Reached expected number of succeeded pods", lastProbeTime: timeString(now), lastTransitionTime: timeString(now) });
        status.completionTime = timeString(now);
        this.handle.recorder.event(job, "Normal", "Completed", "Complete", "Job completed");
      }
    } else if (!spec.suspend) {
      const wait = this.backoffLeft(k, status.failed, now);
      if (wait > 0) requeue = Math.min(requeue ?? wait, wait);
      else active = await this.manage(job, k, active, status, completed, parallelism, completions, indexed);
    }

    status.active = active.length;
    status.ready = active.filter(isPodReady).length;
    status.terminating = terminating;
    if (!indexed) delete status.completedIndexes;
    if (!sameStatus(status, job.status)) await this.writeStatus(job, status);
    return requeue;
  }

  /** Upstream's pod-recreation backoff: 10 s doubling per failure up to 6 minutes after the last one. */
  private backoffLeft(k: string, failed: number, now: number): number {
    const last = this.lastFailure.get(k);
    if (!failed || last === undefined) return 0;
    const delay = Math.min(BACKOFF_BASE_MS * 2 ** (failed - 1), BACKOFF_MAX_MS);
    return last + delay - now;
  }

  /** Creates or deletes pods so that the wanted number run; answers the pods still active. */
  private async manage(job: Job, k: string, active: JobPod[], status: JobStatus, completed: Set<number>, parallelism: number, completions: number | null, indexed: boolean): Promise<JobPod[]> {
    if (indexed) {
      const held = new Set(active.map(completionIndexOf));
      const missing: number[] = [];
      for (let i = 0; i < (completions ?? 0) && missing.length < parallelism - active.length; i++) if (!completed.has(i) && !held.has(i)) missing.push(i);
      const excess = active.filter((p) => completed.has(completionIndexOf(p) ?? -1));
      await this.deletePods(job, excess);
      return [...active.filter((p) => !excess.includes(p)), ...(await this.createPods(job, k, missing))];
    }
    const want = completions === null ? (status.succeeded! > 0 ? 0 : parallelism) : Math.max(0, Math.min(parallelism, completions - status.succeeded!));
    if (active.length > want) {
      // Not-ready and newest pods go first, as upstream ranks them.
      const ranked = [...active].sort((a, b) => Number(isPodReady(a)) - Number(isPodReady(b)) || (b.metadata.creationTimestamp ?? "").localeCompare(a.metadata.creationTimestamp ?? ""));
      const gone = ranked.slice(0, active.length - want);
      await this.deletePods(job, gone);
      return active.filter((p) => !gone.includes(p));
    }
    return [...active, ...(await this.createPods(job, k, Array.from({ length: want - active.length }, () => undefined)))];
  }

  private async createPods(job: Job, k: string, indexes: (number | undefined)[]): Promise<JobPod[]> {
    if (!indexes.length) return [];
    this.expectations.expect(k, indexes.length, 0);
    const client = this.handle.client.resource<JobPod>(Resources.pods, job.metadata.namespace);
    const made: JobPod[] = [];
    for (const idx of indexes) {
      try {
        const pod = await client.create(podForJob(job, idx));
        made.push(pod);
        this.handle.recorder.event(job, "Normal", "SuccessfulCreate", "Create", `Created pod: ${pod.metadata.name}`);
      } catch (err) {
        this.expectations.observed(k, "adds");
        this.handle.recorder.event(job, "Warning", "FailedCreate", "Create", `Error creating: ${(err as Error).message}`);
        throw err;
      }
    }
    return made;
  }

  private async deletePods(job: Job, pods: JobPod[]): Promise<void> {
    if (!pods.length) return;
    const k = key(job);
    this.expectations.expect(k, 0, pods.length);
    const client = this.handle.client.resource(Resources.pods, job.metadata.namespace);
    for (const p of pods) {
      try {
        await client.delete(p.metadata.name!);
        this.handle.recorder.event(job, "Normal", "SuccessfulDelete", "Delete", `Deleted pod: ${p.metadata.name}`);
      } catch (err) {
        this.expectations.observed(k, "dels");
        if (!isNotFound(err)) throw err;
      }
    }
  }

  private async removeFinalizer(pod: JobPod): Promise<void> {
    const rest = (pod.metadata.finalizers ?? []).filter((f) => f !== JOB_TRACKING_FINALIZER);
    try {
      await this.handle.client.resource(Resources.pods, pod.metadata.namespace).patch(pod.metadata.name!, "json", [
        { op: "test", path: "/metadata/finalizers", value: pod.metadata.finalizers },
        { op: "replace", path: "/metadata/finalizers", value: rest },
      ]);
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
  }

  private async writeStatus(job: Job, status: JobStatus): Promise<void> {
    const updated = await this.handle.client.resource<Job>(Resources.jobs, job.metadata.namespace).updateStatus({ ...job, status });
    job.metadata.resourceVersion = updated.metadata.resourceVersion;
    job.status = structuredClone(status);
  }
}

function key(obj: { metadata: { namespace?: string; name?: string } }): string {
  return `${obj.metadata.namespace ?? ""}/${obj.metadata.name}`;
}
