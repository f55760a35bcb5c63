import { writeFileSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";
import { describe, expect, it } from "vitest";
import { definePlugin } from "../../core/kernel/define-plugin.js";
import { KitbashAggregateError, KitbashError } from "../../core/kernel/errors.js";
import { ApiServer } from "../../core/apiserver/points.js";
import { resolveProfile } from "../../core/profile/resolve.js";
import { planToProfile } from "../../core/profile/render.js";
import { builtinRegistry } from "../../cli/registry.js";
import { tempTree } from "../support/temp.js";

/** A test plugin with typed args, standing in for richer plugins in these checks. */
const tuned = definePlugin({
  name: "TunedAuthorizer",
  serves: [ApiServer.authorization],
  args: { type: "object", additionalProperties: false, properties: { level: { type: "integer", default: 3 }, mode: { type: "string", enum: ["a", "b"], default: "a" } } },
  create: () => ({ authorize: () => ({ decision: "no-opinion" }) }),
});

function registry() {
  const r = builtinRegistry();
  r.addPlugin(tuned);
  return r;
}

async function problemsOf(p: Promise<unknown>): Promise<KitbashError[]> {
  try {
    await p;
  } catch (err) {
    if (err instanceof KitbashAggregateError) return err.problems;
    if (err instanceof KitbashError) return [err];
    throw err;
  }
  throw new Error("expected the profile to be rejected");
}

const header = "apiVersion: kitbash.io/v1alpha1\nkind: Profile\n";

describe("resolveProfile", () => {
  it("resolves the built-in single-node profile", async () => {
    const { plan } = await resolveProfile(registry(), { profile: "single-node", env: {} });
    expect(plan.profile).toBe("single-node");
    expect(plan.components.apiserver?.enabled).toBe(true);
    expect(plan.components.apiserver?.points.storage?.plugins.map((p) => p.name)).toEqual(["sqlite"]);
    expect(plan.components.apiserver?.settings.port).toBe(6443);
    expect(plan.files.map((f) => f.split(/[\\/]/).pop())).toEqual(["base.yaml", "control-plane.yaml", "single-node.yaml"]);
  });

  it("names file, line, column, field and the nearest plugin for a misspelt name", async () => {
    const dir = tempTree({
      "p.yaml": `${header}extends: single-node\ncomponents:\n  apiserver:\n    plugins:\n      storage:\n        disabled: [{name: "*"}]\n        enabled:\n          - name: sqlit\n`,
    });
    const [e] = await problemsOf(resolveProfile(registry(), { profile: join(dir, "p.yaml"), env: {} }));
    expect(e!.code).toBe("KB_ERR_UNKNOWN_PLUGIN");
    expect(e!.format()).toContain(`${join(dir, "p.yaml")}:10:19: components.apiserver.plugins.storage.enabled[0].name: unknown plugin "sqlit" (did you mean "sqlite"?)`);
  });

  it("rejects a wrong arg type at the arg's line", async () => {
    const dir = tempTree({
      "p.yaml": `${header}extends: single-node\ncomponents:\n  apiserver:\n    plugins:\n      authorization:\n        enabled: [{name: TunedAuthorizer}]\n    pluginConfig:\n      - name: TunedAuthorizer\n        args:\n          level: high\n`,
    });
    const [e] = await problemsOf(resolveProfile(registry(), { profile: join(dir, "p.yaml"), env: {} }));
    expect(e!.code).toBe("KB_ERR_PLUGIN_ARGS");
    expect(e!.location).toMatchObject({ line: 12, column: 18 });
    expect(e!.field).toBe("components.apiserver.pluginConfig[0].args.level");
    expect(e!.message).toBe("must be integer");
  });

  it("rejects unknown fields, pointing at the key", async () => {
    const dir = tempTree({ "p.yaml": `${header}components:\n  apiserver:\n    enabeld: true\n` });
    const [e] = await problemsOf(resolveProfile(registry(), { profile: join(dir, "p.yaml"), env: {} }));
    expect(e!.message).toBe('unknown field "enabeld"');
    expect(e!.location).toMatchObject({ line: 5, column: 5 });
    expect(e!.field).toBe("components.apiserver.enabeld");
  });

  it("rejects unknown settings and unknown components with suggestions", async () => {
    const dir = tempTree({ "p.yaml": `${header}components:\n  apiserver:\n    settings:\n      prot: 7000\n  apisrever:\n    enabled: true\n` });
    const problems = await problemsOf(resolveProfile(registry(), { profile: join(dir, "p.yaml"), env: {} }));
    const text = problems.map((p) => p.format()).join("\n");
    expect(text).toContain(':6:7: components.apiserver.settings.prot: unknown field "prot"');
    expect(text).toContain(':7:3: components.apisrever: unknown component "apisrever" (did you mean "apiserver"?)');
  });

  it("rejects a plugin on a point it does not serve and a single point with two plugins", async () => {
    const dir = tempTree({
      "p.yaml": `${header}extends: control-plane\ncomponents:\n  apiserver:\n    plugins:\n      storage:\n        enabled: [{name: memory}]\n      authorization:\n        enabled: [{name: sqlite}]\n`,
    });
    const problems = await problemsOf(resolveProfile(registry(), { profile: join(dir, "p.yaml"), env: {} }));
    expect(problems.map((p) => p.code).sort()).toEqual(["KB_ERR_SINGLE_POINT", "KB_ERR_WRONG_POINT"]);
    expect(problems.find((p) => p.code === "KB_ERR_SINGLE_POINT")!.message).toContain("takes exactly one plugin, found 2 (sqlite, memory)");
    expect(problems.find((p) => p.code === "KB_ERR_WRONG_POINT")!.message).toContain("sqlite does not serve apiserver.authorization");
  });

  it("applies the published precedence: --set > env > drop-ins > profile > extends > defaults", async () => {
    const dir = tempTree({
      "parent.yaml": `${header}extends: control-plane\ncomponents:\n  apiserver:\n    settings: {port: 1001, bindAddress: 127.0.0.2, serviceNodePortRange: "30000-30010"}\n`,
      "p.yaml": `${header}extends: ./parent.yaml\ncomponents:\n  apiserver:\n    settings: {port: 1002, bindAddress: 127.0.0.3}\n`,
      "p.d/10-port.yaml": `components:\n  apiserver:\n    settings: {port: 1003}\n`,
      "p.d/20-more.yaml": `components:\n  apiserver:\n    settings: {port: 1004, minRequestTimeoutSeconds: 99}\n`,
    });
    const base = { profile: join(dir, "p.yaml") };
    let { plan } = await resolveProfile(registry(), { ...base, env: {} });
    const s = () => plan.components.apiserver!.settings;
    expect(s()).toMatchObject({ port: 1004, bindAddress: "127.0.0.3", serviceNodePortRange: "30000-30010", minRequestTimeoutSeconds: 99, maxRequestBodyBytes: 3145728 });
    ({ plan } = await resolveProfile(registry(), { ...base, env: { KITBASH__components__apiserver__settings__port: "1005" } }));
    expect(s().port).toBe(1005);
    ({ plan } = await resolveProfile(registry(), { ...base, env: { KITBASH__components__apiserver__settings__port: "1005" }, set: ["components.apiserver.settings.port=1006"] }));
    expect(s().port).toBe(1006);
  });

  it("reports a --set that breaks the schema, naming the flag", async () => {
    const [e] = await problemsOf(resolveProfile(registry(), { profile: "single-node", env: {}, set: ["components.apiserver.settings.port=many"] }));
    expect(e!.format()).toContain("--set components.apiserver.settings.port=many: components.apiserver.settings.port: must be integer");
  });

  it("prints a resolved profile that resolves to the same plan", async () => {
    const r = registry();
    const first = await resolveProfile(r, { profile: "single-node", env: {}, set: ["components.apiserver.settings.port=7443"] });
    const dir = tempTree({ "resolved.yaml": JSON.stringify(planToProfile(first.plan, first.doc, r)) });
    const second = await resolveProfile(registry(), { profile: join(dir, "resolved.yaml"), env: {} });
    expect(second.plan.components).toEqual(first.plan.components);
  });

  it("finds kitbash.yaml and package.json#kitbash by cosmiconfig's search", async () => {
    const dir = tempTree({ "kitbash.yaml": `${header}metadata: {name: found-yaml}\nextends: control-plane\n`, "sub/x.txt": "" });
    expect((await resolveProfile(registry(), { cwd: join(dir, "sub"), env: {} })).plan.profile).toBe("found-yaml");
    const kb = { apiVersion: "kitbash.io/v1alpha1", kind: "Profile", metadata: { name: "from-pkg" }, extends: "control-plane", components: { apiserver: { settings: { port: "x" } } } };
    const pj = tempTree({ "package.json": JSON.stringify({ name: "x", kitbash: kb }) });
    const [e] = await problemsOf(resolveProfile(registry(), { cwd: pj, env: {} }));
    expect(e!.format()).toMatch(/package\.json:1:\d+: components\.apiserver\.settings\.port: must be integer/);
  });

  it("falls back to single-node when nothing is found", async () => {
    const dir = tempTree({ "package.json": "{}" });
    expect((await resolveProfile(registry(), { cwd: dir, env: {} })).plan.profile).toBe("single-node");
  });

  it("detects extends cycles and unknown built-in names", async () => {
    const dir = tempTree({ "a.yaml": `${header}extends: ./b.yaml\n`, "b.yaml": `${header}extends: ./a.yaml\n`, "c.yaml": `${header}extends: singel-node\n` });
    const [cycle] = await problemsOf(resolveProfile(registry(), { profile: join(dir, "a.yaml"), env: {} }));
    expect(cycle!.message).toContain("extends itself");
    const [unknown] = await problemsOf(resolveProfile(registry(), { profile: join(dir, "c.yaml"), env: {} }));
    expect(unknown!.format()).toContain('c.yaml:3:10: extends: no built-in profile named "singel-node" (did you mean "single-node"?)');
  });

  it("reports YAML syntax errors with their line", async () => {
    const dir = tempTree({ "p.yaml": `${header}components:\n  apiserver: {enabled: true\n` });
    const [e] = await problemsOf(resolveProfile(registry(), { profile: join(dir, "p.yaml"), env: {} }));
    expect(e!.format()).toMatch(/p\.yaml:\d+:\d+: YAML syntax error/);
  });

  it("loads a third-party package that replaces a default and serves a new point", async () => {
    const fixture = join(import.meta.dirname, "..", "fixtures", "plugin-package", "profile.yaml");
    const r = registry();
    const { plan, doc } = await resolveProfile(r, { profile: fixture, env: {} });
    const api = plan.components.apiserver!;
    expect(api.points.authorization!.plugins.map((p) => p.name)).toEqual(["AcmeAllow"]);
    expect(api.points.decisionNotes!.plugins).toEqual([{ name: "AcmeNoteTaker", weight: 1, args: { keep: 5 } }]);
    expect(plan.packages[0]).toMatchObject({ name: "kitbash-fixture-plugins", plugins: ["AcmeNoteTaker", "AcmeAllow"], points: ["apiserver.decisionNotes"] });
    const printed = parse(JSON.stringify(planToProfile(plan, doc, r)));
    expect(printed.components.apiserver.plugins.decisionNotes.enabled).toEqual([{ name: "AcmeNoteTaker" }]);
  });

  it("rejects a package that is not a plugin package", async () => {
    const dir = tempTree({ "pkg/package.json": JSON.stringify({ name: "plain", type: "module" }), "pkg/index.js": "", "p.yaml": `${header}packages: [./pkg]\n` });
    const [e] = await problemsOf(resolveProfile(registry(), { profile: join(dir, "p.yaml"), env: {} }));
    expect(e!.format()).toContain('p.yaml:3:12: packages[0]: package "plain" is not a Kitbash plugin package');
  });
});

describe("drop-in folders", () => {
  it("merge in name order and may add plugins without editing the main file", async () => {
    const dir = tempTree({
      "p.yaml": `${header}extends: control-plane\n`,
      "p.d/50-deny.yaml": `components:\n  apiserver:\n    plugins:\n      authorization:\n        enabled: [{name: AlwaysDeny}]\n`,
    });
    mkdirSync(join(dir, "p.d", "ignored-folder"));
    writeFileSync(join(dir, "p.d", "notes.txt"), "not yaml");
    const { plan } = await resolveProfile(registry(), { profile: join(dir, "p.yaml"), env: {} });
    expect(plan.components.apiserver!.points.authorization!.plugins.map((p) => p.name)).toEqual(["AlwaysAllow", "AlwaysDeny"]);
  });
});
