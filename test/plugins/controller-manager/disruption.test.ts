import { describe, expect, it } from "vitest";
import { Resources, type KubeObject } from "../../../core/client/index.js";
import { DisruptionController } from "../../../plugins/controller-manager/controllers/disruption/disruption-controller.js";
import { runController, until } from "../../support/controller-harness.js";

const PDBS = "/apis/policy/v1/namespaces/d/poddisruptionbudgets";
const PODS = "/api/v1/namespaces/d/pods";
const RS = "/apis/apps/v1/namespaces/d/replicasets";
const DEPLOY = "/apis/apps/v1/namespaces/d/deployments";

function start() {
  return runController([Resources.podDisruptionBudgets, Resources.pods, Resources.replicaSets, Resources.deployments], (h) => new DisruptionController({ concurrentSyncs: 1 }, h));
}
type Env = ReturnType<typeof start>;

const pdb = (spec: Record<string, unknown>): KubeObject => ({ apiVersion: "policy/v1", kind: "PodDisruptionBudget", metadata: { name: "b", generation: 2 }, spec: { selector: { matchLabels: { app: "a" } }, ...spec } }) as KubeObject;

/** A ReplicaSet of `replicas` (owned by a Deployment of `deployReplicas` when given) with `ready` of `pods` pods Ready. */
function seedPods(env: Env, opts: { replicas: number; pods: number; ready: number; deployReplicas?: number; owned?: boolean }) {
  let rsOwners: KubeObject["metadata"]["ownerReferences"] = [];
  if (opts.deployReplicas !== undefined) {
    const [dep] = env.api.seed(DEPLOY, { apiVersion: "apps/v1", kind: "Deployment", metadata: { name: "dep" }, spec: { replicas: opts.deployReplicas } } as KubeObject);
    rsOwners = [{ apiVersion: "apps/v1", kind: "Deployment", name: "dep", uid: dep!.metadata.uid!, controller: true }];
  }
  const [rs] = env.api.seed(RS, { apiVersion: "apps/v1", kind: "ReplicaSet", metadata: { name: "rs", ownerReferences: rsOwners }, spec: { replicas: opts.replicas } } as KubeObject);
  for (let i = 0; i < opts.pods; i++) {
    env.api.seed(PODS, {
      apiVersion: "v1",
      kind: "Pod",
      metadata: { name: `p${i}`, labels: { app: "a" }, ...(opts.owned === false ? {} : { ownerReferences: [{ apiVersion: "apps/v1", kind: "ReplicaSet", name: "rs", uid: rs!.metadata.uid!, controller: true }] }) },
      status: { phase: "Running", conditions: [{ type: "Ready", status: i < opts.ready ? "True" : "False" }] },
    } as KubeObject);
  }
  env.api.seed(PODS, { apiVersion: "v1", kind: "Pod", metadata: { name: "other", labels: { app: "z" } }, status: { phase: "Running", conditions: [{ type: "Ready", status: "True" }] } } as KubeObject);
}

const status = (env: Env) => env.api.peek(`${PDBS}/b`)?.status as Record<string, any> | undefined;

describe("disruption controller (fake API)", () => {
  it.each([
    { name: "minAvailable 2 of 3 ready", spec: { minAvailable: 2 }, pods: { replicas: 4, pods: 4, ready: 3 }, want: { expectedPods: 4, currentHealthy: 3, desiredHealthy: 2, disruptionsAllowed: 1 } },
    { name: "minAvailable 50% of the RS's 4", spec: { minAvailable: "50%" }, pods: { replicas: 4, pods: 4, ready: 3 }, want: { expectedPods: 4, currentHealthy: 3, desiredHealthy: 2, disruptionsAllowed: 1 } },
    { name: "maxUnavailable 1 of 4", spec: { maxUnavailable: 1 }, pods: { replicas: 4, pods: 4, ready: 3 }, want: { expectedPods: 4, currentHealthy: 3, desiredHealthy: 3, disruptionsAllowed: 0 } },
    { name: "maxUnavailable 50% rounds up", spec: { maxUnavailable: "50%" }, pods: { replicas: 5, pods: 5, ready: 5 }, want: { expectedPods: 5, currentHealthy: 5, desiredHealthy: 2, disruptionsAllowed: 3 } },
    { name: "scale from the Deployment above the ReplicaSet", spec: { maxUnavailable: 1 }, pods: { replicas: 3, pods: 3, ready: 3, deployReplicas: 6 }, want: { expectedPods: 6, currentHealthy: 3, desiredHealthy: 5, disruptionsAllowed: 0 } },
  ])("$name", async ({ spec, pods, want }) => {
    const env = start();
    seedPods(env, pods);
    env.api.seed(PDBS, pdb(spec));
    await until("status", () => status(env)?.expectedPods !== undefined);
    expect(status(env)).toMatchObject({ ...want, observedGeneration: 2 });
    const cond = status(env)!.conditions.find((c: { type: string }) => c.type === "DisruptionAllowed");
    expect(cond).toMatchObject(want.disruptionsAllowed > 0 ? { status: "True", reason: "SufficientPods" } : { status: "False", reason: "InsufficientPods" });
  });

  it("follows pods becoming ready", async () => {
    const env = start();
    seedPods(env, { replicas: 2, pods: 2, ready: 1 });
    env.api.seed(PDBS, pdb({ minAvailable: 1 }));
    await until("first status", () => status(env)?.disruptionsAllowed === 0);
    await env.h.client.resource(Resources.pods, "d").patchStatus("p1", "merge", { status: { conditions: [{ type: "Ready", status: "True" }] } });
    await until("allowed", () => status(env)?.disruptionsAllowed === 1);
  });

  it("a percentage over pods with no controller fails the sync with SyncFailed", async () => {
    const env = start();
    seedPods(env, { replicas: 2, pods: 2, ready: 2, owned: false });
    env.api.seed(PDBS, pdb({ maxUnavailable: "10%" }));
    await until("condition", () => status(env)?.conditions?.some((c: { reason: string }) => c.reason === "SyncFailed"));
    expect(status(env)!.disruptionsAllowed).toBe(0);
    expect(env.h.events.some((e) => e.reason === "CalculateExpectedPodCountFailed")).toBe(true);
  });
});

describe("disruption controller lookups", () => {
  it("reads each controller once per sync, not once per pod", async () => {
    const env = start();
    seedPods(env, { replicas: 20, pods: 20, ready: 20 });
    env.api.seed(PDBS, pdb({ maxUnavailable: 1 }));
    await until("status", () => status(env)?.expectedPods === 20);
    const syncs = env.api.requests.filter((r) => r === "PUT /apis/policy/v1/namespaces/d/poddisruptionbudgets/b/status").length;
    // Each sync reads the ReplicaSet once; a per-pod lookup would read it 20 times a sync.
    expect(env.api.requests.filter((r) => r === "GET /apis/apps/v1/namespaces/d/replicasets/rs").length).toBeLessThan(20);
    expect(syncs).toBeGreaterThan(0);
  });
});
