import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { pluginCatalog } from "../../core/kernel/catalog.js";
import { resolveKubeSchedulerConfiguration, type KubeSchedulerConfigurationV1 } from "../../core/scheduler/config/kube-scheduler-configuration.js";
import { projectRoot } from "../support/cli.js";
import { builtinRegistry } from "../support/scheduler.js";

const catalog = pluginCatalog(builtinRegistry(), "scheduler");
const resolve = (cfg: Partial<KubeSchedulerConfigurationV1>) =>
  resolveKubeSchedulerConfiguration({ apiVersion: "kubescheduler.config.k8s.io/v1", kind: "KubeSchedulerConfiguration", ...cfg }, catalog);
const names = (list: { name: string; weight?: number }[] | undefined) => (list ?? []).map((p) => (p.weight !== undefined ? `${p.name}:${p.weight}` : p.name));

describe("KubeSchedulerConfiguration v1", () => {
  it("its defaults expand to exactly the lists profiles/base.yaml names", () => {
    const base = parse(readFileSync(join(projectRoot, "profiles", "base.yaml"), "utf8"));
    const points = base.components.scheduler.plugins as Record<string, { enabled: { name: string; weight?: number }[] }>;
    const { profiles, problems } = resolve({});
    expect(problems).toEqual([]);
    for (const [point, list] of Object.entries(profiles[0]!.points)) expect(names(list), point).toEqual(names(points[point]?.enabled));
  });

  it("score.enabled overrides the multiPoint weight; disabled drops a plugin at one point only", () => {
    const { profiles } = resolve({
      profiles: [{ plugins: { score: { disabled: [{ name: "ImageLocality" }], enabled: [{ name: "NodeResourcesFit", weight: 10 }] }, filter: { disabled: [{ name: "NodePorts" }] } } }],
    });
    const p = profiles[0]!.points;
    expect(names(p.score)).toEqual(["TaintToleration:3", "NodeAffinity:2", "PodTopologySpread:2", "InterPodAffinity:2", "NodeResourcesBalancedAllocation:1", "NodeResourcesFit:10"]);
    expect(names(p.filter)).not.toContain("NodePorts");
    expect(names(p.preFilter)).toContain("NodePorts");
  });

  it("multiPoint disabled * leaves only what is enabled, at every point each plugin serves", () => {
    const { profiles } = resolve({
      profiles: [{ plugins: { multiPoint: { disabled: [{ name: "*" }], enabled: [{ name: "PrioritySort" }, { name: "NodeResourcesFit", weight: 5 }, { name: "DefaultBinder" }] } } }],
    });
    const p = profiles[0]!.points;
    expect(names(p.queueSort)).toEqual(["PrioritySort"]);
    expect(names(p.preFilter)).toEqual(["NodeResourcesFit"]);
    expect(names(p.filter)).toEqual(["NodeResourcesFit"]);
    expect(names(p.score)).toEqual(["NodeResourcesFit:5"]);
    expect(names(p.bind)).toEqual(["DefaultBinder"]);
    expect(p.postFilter).toEqual([]);
  });

  it("a point's disabled * removes the multiPoint plugins there", () => {
    const { profiles } = resolve({ profiles: [{ plugins: { score: { disabled: [{ name: "*" }], enabled: [{ name: "ImageLocality", weight: 4 }] } } }] });
    expect(names(profiles[0]!.points.score)).toEqual(["ImageLocality:4"]);
  });

  it("keeps several profiles with their own args and percentage", () => {
    const { profiles } = resolve({
      percentageOfNodesToScore: 50,
      profiles: [{ schedulerName: "default-scheduler" }, { schedulerName: "packer", percentageOfNodesToScore: 20, pluginConfig: [{ name: "NodeResourcesFit", args: { scoringStrategy: { type: "MostAllocated" } } }] }],
    });
    expect(profiles.map((p) => p.schedulerName)).toEqual(["default-scheduler", "packer"]);
    expect(profiles[1]!.percentageOfNodesToScore).toBe(20);
    expect(profiles[1]!.pluginConfig.get("NodeResourcesFit")).toEqual({ scoringStrategy: { type: "MostAllocated" } });
  });

  it.each<[string, Partial<KubeSchedulerConfigurationV1>, { path: string; message: string; hint?: string }]>([
    ["a misspelt plugin", { profiles: [{ plugins: { score: { enabled: [{ name: "NodeResourceFit" }] } } }] }, { path: "profiles.0.plugins.score.enabled.0.name", message: 'unknown plugin "NodeResourceFit"', hint: 'did you mean "NodeResourcesFit"?' }],
    ["a misspelt point", { profiles: [{ plugins: { filters: {} } as never }] }, { path: "profiles.0.plugins.filters", message: 'unknown field "filters"', hint: 'did you mean "filter"?' }],
    ["an unknown top-level field", { parallelizm: 4 } as never, { path: "parallelizm", message: 'strict decoding error: unknown field "parallelizm"', hint: 'did you mean "parallelism"?' }],
    ["a plugin at a point it does not serve", { profiles: [{ plugins: { bind: { enabled: [{ name: "NodeName" }] } } }] }, { path: "profiles.0.plugins.bind.enabled.0.name", message: "plugin NodeName does not serve the bind extension point (it serves filter)" }],
    ["two profiles with one name", { profiles: [{ schedulerName: "a" }, { schedulerName: "a" }] }, { path: "profiles.1.schedulerName", message: 'Duplicate value: "a"' }],
    ["an out-of-range percentage", { percentageOfNodesToScore: 101 }, { path: "percentageOfNodesToScore", message: "Invalid value: 101: not in valid range [0-100]" }],
    ["a plugin configured twice", { profiles: [{ pluginConfig: [{ name: "NodeAffinity" }, { name: "NodeAffinity" }] }] }, { path: "profiles.0.pluginConfig.1.name", message: 'Duplicate value: "NodeAffinity"' }],
    [
      "profiles with different queue sorts",
      { profiles: [{ schedulerName: "a" }, { schedulerName: "b", plugins: { queueSort: { disabled: [{ name: "*" }] } } }] },
      { path: "profiles.1.plugins.queueSort", message: "queueSort must be the same for all profiles" },
    ],
  ])("refuses %s with upstream's wording", (_what, cfg, want) => {
    const { problems } = resolve(cfg);
    expect(problems.map((p) => ({ path: p.path.join("."), message: p.message, ...(p.hint ? { hint: p.hint } : {}) }))).toContainEqual(want);
  });
});

describe("KubeSchedulerConfiguration inside a profile", () => {
  it("names the file, line, column and field of a misspelt plugin, with a suggestion", async () => {
    const { mkdtempSync, writeFileSync } = await import("node:fs");
    const { tmpdir } = await import("node:os");
    const { resolveProfile } = await import("../../core/profile/resolve.js");
    const { builtinRegistry: cliRegistry } = await import("../../cli/registry.js");
    const dir = mkdtempSync(join(tmpdir(), "ksc-"));
    const file = join(dir, "p.yaml");
    writeFileSync(
      file,
      [
        "apiVersion: kitbash.io/v1alpha1",
        "kind: Profile",
        "components:",
        "  scheduler:",
        "    config:",
        "      KubeSchedulerConfiguration:",
        "        apiVersion: kubescheduler.config.k8s.io/v1",
        "        kind: KubeSchedulerConfiguration",
        "        profiles:",
        "          - schedulerName: packer",
        "            plugins:",
        "              score:",
        "                enabled:",
        "                  - name: NodeResourceFit",
        "",
      ].join("\n"),
    );
    const err = await resolveProfile(cliRegistry(), { profile: file, env: {} }).then(
      () => undefined,
      (e: { format(): string }) => e,
    );
    expect(err?.format()).toContain(`${file}:14:27: components.scheduler.config.KubeSchedulerConfiguration.profiles[0].plugins.score.enabled[0].name: unknown plugin "NodeResourceFit" (did you mean "NodeResourcesFit"?)`);
  });
});
