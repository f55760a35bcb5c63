import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { builtinRegistry as cliRegistry } from "../../cli/registry.js";
import type { PluginManifest } from "../../core/kernel/define-plugin.js";
import { resolveProfile } from "../../core/profile/resolve.js";
import { projectRoot } from "../support/cli.js";
import { makeNode, makePod, startMemoryScheduler } from "../support/scheduler.js";

const pkgDir = join(projectRoot, "examples", "plugins", "gpu-filter");
type Harness = Awaited<ReturnType<typeof startMemoryScheduler>>;
let h: Harness | undefined;
afterEach(async () => {
  await h?.stop();
  h = undefined;
});

describe("examples/plugins/gpu-filter", () => {
  it("its example profile resolves: the package loads and the first scheduler profile is in the plan", async () => {
    const { plan } = await resolveProfile(cliRegistry(), { profile: join(pkgDir, "profile.yaml"), env: {} });
    expect(plan.packages.map((p) => p.plugins)).toEqual([["GPUFilter"]]);
    expect(plan.components.scheduler!.points.filter!.plugins.map((p) => p.name)).not.toContain("GPUFilter");
  });

  it("pods for custom-scheduler land only on nodes with their gpu-type; default-scheduler ignores the label", async () => {
    const mod = (await import(join(pkgDir, "index.js"))) as { plugins: PluginManifest[] };
    h = await startMemoryScheduler({ profiles: [{ schedulerName: "default-scheduler" }, { schedulerName: "custom-scheduler", plugins: { filter: { enabled: [{ name: "GPUFilter" }] } } }] }, mod.plugins);
    h.cluster.addNode(makeNode("cpu-1").obj());
    h.cluster.addNode(makeNode("cpu-2").obj());
    h.cluster.addNode(makeNode("gpu-1").label("gpu-type", "a100").obj());
    for (let i = 0; i < 6; i++) h.cluster.addPod(makePod(`train-${i}`).label("gpu-type", "a100").schedulerName("custom-scheduler").obj());
    h.cluster.addPod(makePod("t4").label("gpu-type", "t4").schedulerName("custom-scheduler").obj());
    await h.until(() => [...h!.cluster.pods.values()].filter((p) => p.metadata.name.startsWith("train-")).every((p) => p.spec.nodeName));
    for (const p of h.cluster.pods.values()) if (p.metadata.name.startsWith("train-")) expect(p.spec.nodeName).toBe("gpu-1");
    await h.until(() => h!.cluster.events.some((e) => e.pod === "default/t4" && e.reason === "FailedScheduling"));
    expect(h.cluster.events.find((e) => e.pod === "default/t4")!.note).toBe("0/3 nodes are available: 3 node(s) didn't have the requested gpu-type t4. preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling..");
    h.cluster.addNode(makeNode("gpu-2").label("gpu-type", "t4").obj());
    await h.until(() => h!.cluster.pods.get("default/t4")!.spec.nodeName === "gpu-2", 5000);
  });
});
