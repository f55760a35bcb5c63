import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { startCluster, type Cluster } from "../../support/cluster.js";
import { projectRoot } from "../../support/cli.js";
import { until } from "../../support/until.js";

// The scheduler of `kitbash up` against ten simulated nodes in two zones, with the gpu-filter
// example's second scheduler profile `custom-scheduler`; pods are written with the real kubectl.

const dataDir = mkdtempSync(join(tmpdir(), "kitbash-scheduler-e2e-"));
let c: Cluster;

interface Pod {
  metadata: { name: string; uid: string; labels?: Record<string, string>; deletionTimestamp?: string };
  spec: { nodeName?: string };
  status: { phase?: string; nominatedNodeName?: string; conditions?: { type: string; status: string; reason?: string; message?: string }[] };
}

async function pods(selector: string): Promise<Pod[]> {
  const r = await c.kubectl(["get", "pods", "-l", selector, "-o", "json"]);
  expect(r.stderr).toBe("");
  return (JSON.parse(r.stdout) as { items: Pod[] }).items;
}

async function apply(manifest: object): Promise<void> {
  const r = await c.kubectl(["apply", "-f", "-"], { input: JSON.stringify(manifest) });
  expect(r.stderr).toBe("");
}

const pod = (name: string, labels: Record<string, string>, spec: Record<string, unknown> = {}, cpu = "100m") => ({
  apiVersion: "v1",
  kind: "Pod",
  metadata: { name, labels },
  spec: { containers: [{ name: "c", image: "registry.k8s.io/pause:3.10", resources: { requests: { cpu } } }], ...spec },
});

beforeAll(async () => {
  const profile = join(dataDir, "profile.yaml");
  writeFileSync(
    profile,
    [
      "apiVersion: kitbash.io/v1alpha1",
      "kind: Profile",
      "metadata: {name: scheduler-e2e}",
      `extends: ${JSON.stringify(resolve(projectRoot, "examples/plugins/gpu-filter/profile.yaml"))}`,
      "components:",
      "  node:",
      "    enabled: true",
      "    settings: {user: kitbash-simulated-nodes, groups: [system:masters]}",
      "    plugins: {nodes: {enabled: [{name: simulated}]}}",
      "    pluginConfig:",
      "      - name: simulated",
      "        args:",
      "          count: 10",
      "          template:",
      '            capacity: {cpu: "4", memory: 16Gi, pods: "110"}',
      '            labels: {topology.kubernetes.io/zone: "zone-{index%2}"}',
      "",
    ].join("\n"),
  );
  c = await startCluster(dataDir, ["--profile", profile]);
  await until("ten Ready simulated nodes", async () => {
    const r = await c.kubectl(["get", "nodes", "-o", "jsonpath={range .items[*]}{.status.conditions[?(@.type=='Ready')].status}{'\\n'}{end}"]);
    return r.stdout.split("\n").filter((s) => s === "True").length === 10;
  });
}, 60_000);

afterAll(async () => {
  await c?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

describe("the scheduler on simulated nodes", () => {
  it("spreads 100 pods evenly over 2 zones and 10 nodes with hard spread constraints, and they run", async () => {
    const spread = (key: string) => ({ maxSkew: 1, topologyKey: key, whenUnsatisfiable: "DoNotSchedule", labelSelector: { matchLabels: { app: "spread" } } });
    await apply({
      apiVersion: "apps/v1",
      kind: "Deployment",
      metadata: { name: "spread" },
      spec: {
        replicas: 100,
        selector: { matchLabels: { app: "spread" } },
        template: {
          metadata: { labels: { app: "spread" } },
          spec: {
            topologySpreadConstraints: [spread("topology.kubernetes.io/zone"), spread("kubernetes.io/hostname")],
            containers: [{ name: "c", image: "registry.k8s.io/pause:3.10", resources: { requests: { cpu: "10m" } } }],
          },
        },
      },
    });
    const running = await until(
      "100 running spread pods",
      async () => {
        const list = await pods("app=spread");
        return list.length === 100 && list.every((p) => p.status.phase === "Running") && list;
      },
      60_000,
    );
    const perNode = new Map<string, number>();
    for (const p of running) perNode.set(p.spec.nodeName!, (perNode.get(p.spec.nodeName!) ?? 0) + 1);
    expect([...perNode.keys()].sort()).toEqual(Array.from({ length: 10 }, (_, i) => `kwok-node-${i}`).sort());
    expect([...perNode.values()]).toEqual(Array(10).fill(10));
    // Even-numbered nodes are zone-0: ten per node makes fifty per zone.
    const zone0 = [...perNode].filter(([n]) => Number(n.split("-").pop()) % 2 === 0).reduce((s, [, k]) => s + k, 0);
    expect(zone0).toBe(50);
    const r = await c.kubectl(["delete", "deployment", "spread"]);
    expect(r.code).toBe(0);
  }, 90_000);

  it("an unschedulable pod gets upstream's FailedScheduling event and condition, and is scheduled once a node fits", async () => {
    await apply(pod("wants-ssd", { test: "ssd" }, { nodeSelector: { disk: "ssd" } }));
    const expected = "0/10 nodes are available: 10 node(s) didn't match Pod's node affinity/selector. preemption: 0/10 nodes are available: 10 Preemption is not helpful for scheduling..";
    const note = await until("a FailedScheduling event", async () => {
      const r = await c.kubectl(["get", "events.v1.events.k8s.io", "--field-selector", "regarding.name=wants-ssd,reason=FailedScheduling", "-o", "jsonpath={.items[0].note}"]);
      return r.stdout;
    });
    expect(note).toBe(expected);
    const [p] = await pods("test=ssd");
    expect(p!.status.conditions).toContainEqual(expect.objectContaining({ type: "PodScheduled", status: "False", reason: "Unschedulable", message: expected }));
    expect((await c.kubectl(["label", "node", "kwok-node-3", "disk=ssd"])).code).toBe(0);
    const placed = await until("the pod bound to the labelled node", async () => (await pods("test=ssd"))[0]?.spec.nodeName, 10_000);
    expect(placed).toBe("kwok-node-3");
  }, 60_000);

  it("pods for custom-scheduler land only on GPU-labelled nodes", async () => {
    for (const n of ["kwok-node-4", "kwok-node-7"]) expect((await c.kubectl(["label", "node", n, "gpu-type=a100"])).code).toBe(0);
    for (let i = 0; i < 6; i++) await apply(pod(`gpu-${i}`, { test: "gpu", "gpu-type": "a100" }, { schedulerName: "custom-scheduler" }));
    const placed = await until("six bound GPU pods", async () => {
      const list = await pods("test=gpu");
      return list.length === 6 && list.every((p) => p.spec.nodeName) && list.map((p) => p.spec.nodeName!);
    });
    expect(new Set(placed)).toEqual(new Set(["kwok-node-4", "kwok-node-7"]));
    // The default profile has no GPUFilter: the same label alone does not steer a pod.
    const events = await c.kubectl(["get", "events.v1.events.k8s.io", "--field-selector", "regarding.name=gpu-0,reason=Scheduled", "-o", "jsonpath={.items[0].reportingController}"]);
    expect(events.stdout).toBe("default-scheduler");
  }, 60_000);

  it("a high-priority pod preempts a low-priority one, whose deletion is graceful", async () => {
    await apply({ apiVersion: "scheduling.k8s.io/v1", kind: "PriorityClass", metadata: { name: "e2e-low" }, value: 10 });
    await apply({ apiVersion: "scheduling.k8s.io/v1", kind: "PriorityClass", metadata: { name: "e2e-high" }, value: 1000 });
    const onNode9 = { nodeSelector: { "kubernetes.io/hostname": "kwok-node-9" } };
    // Priority admission: the class named sets spec.priority; an unknown class is refused.
    const refused = await c.kubectl(["apply", "-f", "-"], { input: JSON.stringify(pod("no-class", {}, { priorityClassName: "nope" })) });
    expect(refused.stderr).toContain('pods "no-class" is forbidden: no PriorityClass with name nope was found');
    await apply(pod("low", { test: "low" }, { ...onNode9, priorityClassName: "e2e-low", terminationGracePeriodSeconds: 30 }, "3"));
    const low = await until("the low-priority pod running", async () => {
      const [p] = await pods("test=low");
      return p?.status.phase === "Running" && p;
    });
    expect((low.spec as { priority?: number }).priority).toBe(10);
    // Watch the victim from here on: a graceful delete shows a deletionTimestamp before the DELETED event.
    const watch = c.api("GET", `/api/v1/namespaces/default/pods?watch=1&fieldSelector=metadata.name%3Dlow&resourceVersion=0&timeoutSeconds=8`);
    await apply(pod("high", { test: "high" }, { ...onNode9, priorityClassName: "e2e-high" }, "3"));
    const high = await until("the high-priority pod bound to kwok-node-9", async () => {
      const [p] = await pods("test=high");
      return p?.spec.nodeName === "kwok-node-9" && p;
    });
    expect(high.spec.nodeName).toBe("kwok-node-9");
    const events = (await watch).body
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l) as { type: string; object: Pod });
    const deletionSeen = events.findIndex((e) => e.type === "MODIFIED" && e.object.metadata.deletionTimestamp && e.object.metadata.uid === low.metadata.uid);
    const deleted = events.findIndex((e) => e.type === "DELETED" && e.object.metadata.uid === low.metadata.uid);
    expect(deletionSeen).toBeGreaterThanOrEqual(0);
    expect(deleted).toBeGreaterThan(deletionSeen);
    const preempted = await c.kubectl(["get", "events.v1.events.k8s.io", "--field-selector", "regarding.name=low,reason=Preempted", "-o", "jsonpath={.items[0].note}"]);
    expect(preempted.stdout).toBe(`Preempted by pod ${high.metadata.uid} on node kwok-node-9`);
  }, 60_000);
});
