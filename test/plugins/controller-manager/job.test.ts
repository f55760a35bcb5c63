import { describe, expect, it } from "vitest";
import { Resources, type KubeObject } from "../../../core/client/index.js";
import { JobController } from "../../../plugins/controller-manager/controllers/job/job-controller.js";
import { formatIntervals, parseIntervals } from "../../../plugins/controller-manager/controllers/job/indexes.js";
import { runController, settle, until } from "../../support/controller-harness.js";

const JOBS = "/apis/batch/v1/namespaces/d/jobs";
const PODS = "/api/v1/namespaces/d/pods";

function job(name: string, spec: Record<string, unknown> = {}): KubeObject {
  return { apiVersion: "batch/v1", kind: "Job", metadata: { name }, spec: { template: { spec: { containers: [{ name: "c", image: "busybox" }], restartPolicy: "Never" } }, ...spec } } as KubeObject;
}

function start() {
  return runController([Resources.jobs, Resources.pods], (h) => new JobController({ concurrentSyncs: 2 }, h));
}

type Env = ReturnType<typeof start>;
const pods = (env: Env) => env.api.list(PODS) as (KubeObject & { status?: { phase?: string }; spec?: { hostname?: string } })[];
const jobNow = (env: Env, name: string) => env.api.peek(`${JOBS}/${name}`) as KubeObject & { status?: Record<string, any> };
const cond = (env: Env, name: string, type: string) => jobNow(env, name)?.status?.conditions?.find((c: { type: string }) => c.type === type);

async function finish(env: Env, pod: KubeObject, phase: "Succeeded" | "Failed", extra: Record<string, unknown> = {}) {
  await env.h.client.resource(Resources.pods, "d").patchStatus(pod.metadata.name!, "merge", { status: { phase, ...extra } });
}

describe("completed-index intervals", () => {
  it.each([
    [[0, 1, 2, 4, 6, 7], "0-2,4,6-7"],
    [[3], "3"],
    [[], ""],
  ])("%j ↔ %s", (list, text) => {
    expect(formatIntervals(list)).toBe(text);
    expect([...parseIntervals(text)].sort((a, b) => a - b)).toEqual(list);
  });
});

describe("job controller (fake API, fake clock)", () => {
  it("runs parallelism pods until completions succeed, then SuccessCriteriaMet, Complete and completionTime", async () => {
    const env = start();
    env.api.seed(JOBS, job("pi", { completions: 3, parallelism: 2 }));
    await until("2 pods", () => pods(env).length === 2);
    const first = pods(env);
    expect(first[0]!.metadata.finalizers).toEqual(["batch.kubernetes.io/job-tracking"]);
    expect(first[0]!.metadata.labels?.["batch.kubernetes.io/job-name"]).toBe("pi");
    expect(first[0]!.metadata.ownerReferences?.[0]).toMatchObject({ kind: "Job", name: "pi", controller: true, blockOwnerDeletion: true });
    expect(jobNow(env, "pi").status?.startTime).toBe("2026-01-01T00:00:00Z");
    for (const p of first) await finish(env, p, "Succeeded");
    await until("third pod", () => pods(env).length === 3);
    await until("finalizers released", () => pods(env).filter((p) => p.status?.phase === "Succeeded").every((p) => !p.metadata.finalizers?.length));
    await finish(env, pods(env).find((p) => !p.status?.phase)!, "Succeeded");
    await until("Complete", () => cond(env, "pi", "Complete")?.status === "True");
    const st = jobNow(env, "pi").status!;
    expect(st).toMatchObject({ succeeded: 3, failed: 0, active: 0, ready: 0, terminating: 0, uncountedTerminatedPods: {} });
    expect(cond(env, "pi", "SuccessCriteriaMet")).toMatchObject({ status: "True", reason: "CompletionsReached" });
    expect(st.completionTime).toBeTruthy();
    expect(pods(env)).toHaveLength(3);
  });

  it("Indexed: one pod per index with index annotation, label and hostname; completedIndexes", async () => {
    const env = start();
    env.api.seed(JOBS, job("ix", { completions: 3, parallelism: 3, completionMode: "Indexed" }));
    await until("3 pods", () => pods(env).length === 3);
    const byIndex = new Map(pods(env).map((p) => [p.metadata.annotations?.["batch.kubernetes.io/job-completion-index"], p]));
    expect([...byIndex.keys()].sort()).toEqual(["0", "1", "2"]);
    expect(byIndex.get("1")!.spec?.hostname).toBe("ix-1");
    expect(byIndex.get("1")!.metadata.labels?.["batch.kubernetes.io/job-completion-index"]).toBe("1");
    await finish(env, byIndex.get("0")!, "Succeeded");
    await finish(env, byIndex.get("2")!, "Succeeded");
    await until("completedIndexes", () => jobNow(env, "ix").status?.completedIndexes === "0,2");
    await finish(env, byIndex.get("1")!, "Succeeded");
    await until("Complete", () => cond(env, "ix", "Complete")?.status === "True");
    expect(jobNow(env, "ix").status?.completedIndexes).toBe("0-2");
  });

  it.each([
    { name: "backoffLimit", spec: { backoffLimit: 0 }, failWith: {}, reason: "BackoffLimitExceeded", message: /^Job has reached the specified backoff limit$/ },
    {
      name: "podFailurePolicy FailJob",
      spec: { backoffLimit: 6, podFailurePolicy: { rules: [{ action: "FailJob", onExitCodes: { operator: "In", values: [42] } }] } },
      failWith: { containerStatuses: [{ name: "c", state: { terminated: { exitCode: 42 } } }] },
      reason: "PodFailurePolicy",
      message: /^Container c for pod d\/f-\w+ failed with exit code 42 matching FailJob rule at index 0$/,
    },
  ])("$name: FailureTarget, then Failed once no pod runs", async ({ spec, failWith, reason, message }) => {
    const env = start();
    env.api.seed(JOBS, job("f", { parallelism: 1, completions: 1, ...spec }));
    await until("pod", () => pods(env).length === 1);
    await finish(env, pods(env)[0]!, "Failed", failWith);
    await until("Failed", () => cond(env, "f", "Failed")?.status === "True");
    expect(cond(env, "f", "FailureTarget")).toMatchObject({ status: "True", reason });
    expect(cond(env, "f", "Failed")!.reason).toBe(reason);
    expect(cond(env, "f", "Failed")!.message).toMatch(message);
    expect(jobNow(env, "f").status).toMatchObject({ failed: 1, active: 0 });
  });

  it("podFailurePolicy Ignore does not count the failure and replaces the pod", async () => {
    const env = start();
    env.api.seed(JOBS, job("ig", { backoffLimit: 0, podFailurePolicy: { rules: [{ action: "Ignore", onPodConditions: [{ type: "DisruptionTarget" }] }] } }));
    await until("pod", () => pods(env).length === 1);
    await finish(env, pods(env)[0]!, "Failed", { conditions: [{ type: "DisruptionTarget", status: "True" }] });
    await until("replacement", () => pods(env).length === 2);
    expect(jobNow(env, "ig").status?.failed ?? 0).toBe(0);
    expect(cond(env, "ig", "Failed")).toBeUndefined();
  });

  it("activeDeadlineSeconds fails the Job when the fake clock passes it, deleting its pods", async () => {
    const env = start();
    env.api.seed(JOBS, job("dl", { activeDeadlineSeconds: 30, parallelism: 2, completions: 4 }));
    await until("pods", () => pods(env).length === 2);
    await settle();
    expect(cond(env, "dl", "FailureTarget")).toBeUndefined();
    env.clock.advance(31_000);
    await until("FailureTarget", () => cond(env, "dl", "FailureTarget")?.reason === "DeadlineExceeded");
    // Deleted pods hold the finalizer until counted; then they are gone and the Job is Failed.
    await until("Failed", () => cond(env, "dl", "Failed")?.status === "True");
    expect(pods(env)).toHaveLength(0);
  });

  it("suspend deletes active pods and sets Suspended; resuming recreates them", async () => {
    const env = start();
    env.api.seed(JOBS, job("s", { parallelism: 2, completions: 2 }));
    await until("pods", () => pods(env).length === 2);
    await env.h.client.resource(Resources.jobs, "d").patch("s", "merge", { spec: { suspend: true } });
    await until("Suspended", () => cond(env, "s", "Suspended")?.status === "True");
    await until("pods gone", () => pods(env).length === 0);
    expect(jobNow(env, "s").status?.active).toBe(0);
    await env.h.client.resource(Resources.jobs, "d").patch("s", "merge", { spec: { suspend: false } });
    await until("resumed", () => cond(env, "s", "Suspended")?.status === "False" && pods(env).length === 2);
  });

  it("releases the finalizer of pods whose Job is gone", async () => {
    const env = start();
    env.api.seed(JOBS, job("g", {}));
    await until("pod", () => pods(env).length === 1);
    await env.h.client.resource(Resources.jobs, "d").delete("g");
    await env.h.client.resource(Resources.pods, "d").delete(pods(env)[0]!.metadata.name!);
    await until("pod gone", () => pods(env).length === 0);
  });
});
