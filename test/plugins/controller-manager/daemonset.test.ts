import { describe, expect, it } from "vitest";
import { Resources, type KubeObject } from "../../../core/client/index.js";
import { DaemonSetController } from "../../../plugins/controller-manager/controllers/daemonset/daemonset-controller.js";
import { runController, settle, until } from "../../support/controller-harness.js";

const DS = "/apis/apps/v1/namespaces/d/daemonsets";
const PODS = "/api/v1/namespaces/d/pods";
const NODES = "/api/v1/nodes";

type Pod = KubeObject & { spec?: any; status?: any };
const node = (name: string, labels: Record<string, string> = {}, taints: unknown[] = []): KubeObject => ({ apiVersion: "v1", kind: "Node", metadata: { name, labels }, spec: { taints } }) as KubeObject;
const ds = (spec: Record<string, unknown> = {}, podSpec: Record<string, unknown> = {}): KubeObject =>
  ({ apiVersion: "apps/v1", kind: "DaemonSet", metadata: { name: "agent", generation: 1 }, spec: { selector: { matchLabels: { app: "agent" } }, template: { metadata: { labels: { app: "agent" } }, spec: { containers: [{ name: "c", image: "a" }], ...podSpec } }, ...spec } }) as KubeObject;

function start() {
  return runController([Resources.daemonSets, Resources.pods, Resources.nodes, Resources.controllerRevisions], (h) => new DaemonSetController({ concurrentSyncs: 1 }, h));
}
type Env = ReturnType<typeof start>;
const pods = (env: Env) => (env.api.list(PODS) as Pod[]).filter((p) => !p.metadata.deletionTimestamp);
const nodeOf = (p: Pod) => p.spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[0].matchFields[0].values[0];
const status = (env: Env) => env.api.peek(`${DS}/agent`)?.status as Record<string, any> | undefined;

async function readyAll(env: Env) {
  for (const p of pods(env)) if (!p.status?.phase) await env.h.client.resource(Resources.pods, "d").patchStatus(p.metadata.name!, "merge", { status: { phase: "Running", conditions: [{ type: "Ready", status: "True", lastTransitionTime: "2026-01-01T00:00:00Z" }] } });
}

describe("daemonset controller (fake API, fake clock)", () => {
  it.each([
    { name: "every node", nodes: [node("a"), node("b"), node("c")], podSpec: {}, want: ["a", "b", "c"] },
    { name: "nodeSelector", nodes: [node("a", { disk: "ssd" }), node("b")], podSpec: { nodeSelector: { disk: "ssd" } }, want: ["a"] },
    { name: "untolerated NoSchedule taint", nodes: [node("a"), node("b", {}, [{ key: "gpu", effect: "NoSchedule" }])], podSpec: {}, want: ["a"] },
    { name: "tolerated taint", nodes: [node("a"), node("b", {}, [{ key: "gpu", effect: "NoSchedule" }])], podSpec: { tolerations: [{ key: "gpu", operator: "Exists" }] }, want: ["a", "b"] },
    { name: "cordoned and not-ready nodes still get daemons", nodes: [node("a", {}, [{ key: "node.kubernetes.io/unschedulable", effect: "NoSchedule" }, { key: "node.kubernetes.io/not-ready", effect: "NoExecute" }])], podSpec: {}, want: ["a"] },
  ])("one pod per eligible node: $name", async ({ nodes, podSpec, want }) => {
    const env = start();
    env.api.seed(NODES, ...nodes);
    env.api.seed(DS, ds({}, podSpec));
    await until("pods", () => pods(env).length === want.length);
    await settle();
    expect(pods(env).map(nodeOf).sort()).toEqual(want);
    const p = pods(env)[0]!;
    expect(p.spec.nodeName).toBeUndefined();
    expect(p.spec.tolerations).toEqual(expect.arrayContaining([{ key: "node.kubernetes.io/unreachable", operator: "Exists", effect: "NoExecute" }]));
    expect(p.metadata.labels?.["controller-revision-hash"]).toBeTruthy();
    await until("status", () => status(env)?.desiredNumberScheduled === want.length);
    expect(status(env)).toMatchObject({ currentNumberScheduled: want.length, numberMisscheduled: 0, updatedNumberScheduled: want.length });
  });

  it("a node that appears gets a daemon; one whose labels stop matching loses it", async () => {
    const env = start();
    env.api.seed(NODES, node("a", { role: "x" }));
    env.api.seed(DS, ds({}, { nodeSelector: { role: "x" } }));
    await until("a", () => pods(env).length === 1);
    env.api.seed(NODES, node("b", { role: "x" }));
    await until("b", () => pods(env).length === 2);
    await env.h.client.resource(Resources.nodes).patch("a", "merge", { metadata: { labels: { role: "y" } } });
    await until("a's pod removed", () => pods(env).length === 1 && nodeOf(pods(env)[0]!) === "b");
  });

  it.each([
    { name: "maxUnavailable 1", ru: { maxUnavailable: 1 }, maxAtOnce: { deleting: 1, total: 3 } },
    { name: "maxSurge 1", ru: { maxSurge: 1, maxUnavailable: 0 }, maxAtOnce: { deleting: 1, total: 4 } },
  ])("RollingUpdate $name replaces every pod within its bounds", async ({ ru, maxAtOnce }) => {
    const env = start();
    env.api.seed(NODES, node("a"), node("b"), node("c"));
    env.api.seed(DS, ds({ updateStrategy: { type: "RollingUpdate", rollingUpdate: ru } }));
    await until("3 pods", () => pods(env).length === 3);
    await readyAll(env);
    await until("ready", () => status(env)?.numberAvailable === 3);
    await env.h.client.resource(Resources.daemonSets, "d").patch("agent", "merge", { metadata: { generation: 2 }, spec: { template: { spec: { containers: [{ name: "c", image: "b" }] } } } });
    let most = 0;
    const rolled = () => pods(env).length === 3 && pods(env).every((p) => p.spec.containers[0].image === "b") && status(env)?.updatedNumberScheduled === 3;
    for (let i = 0; i < 200 && !rolled(); i++) {
      // Play the kubelet: new pods become Ready.
      await readyAll(env);
      most = Math.max(most, pods(env).length);
      await settle(10);
    }
    expect(rolled()).toBe(true);
    expect(most).toBeLessThanOrEqual(maxAtOnce.total);
    expect(pods(env).map(nodeOf).sort()).toEqual(["a", "b", "c"]);
  });

  it("OnDelete leaves old pods until they are deleted", async () => {
    const env = start();
    env.api.seed(NODES, node("a"));
    env.api.seed(DS, ds({ updateStrategy: { type: "OnDelete" } }));
    await until("pod", () => pods(env).length === 1);
    await env.h.client.resource(Resources.daemonSets, "d").patch("agent", "merge", { spec: { template: { spec: { containers: [{ name: "c", image: "b" }] } } } });
    await until("2 revisions", () => env.api.list("/apis/apps/v1/namespaces/d/controllerrevisions").length === 2);
    await settle(60);
    expect(pods(env)[0]!.spec.containers[0].image).toBe("a");
    await env.h.client.resource(Resources.pods, "d").delete(pods(env)[0]!.metadata.name!);
    await until("replaced", () => pods(env).length === 1 && pods(env)[0]!.spec.containers[0].image === "b");
  });
});
