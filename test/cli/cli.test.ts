import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";
import { describe, expect, it } from "vitest";
import { kitbash } from "../support/cli.js";
import { tempTree } from "../support/temp.js";

const header = "apiVersion: kitbash.io/v1alpha1\nkind: Profile\n";

describe("kitbash CLI", () => {
  it("prints help for every command and exits 0", () => {
    for (const args of [["--help"], ["profile", "validate", "--help"], ["profile", "show", "--help"], ["plugins", "list", "--help"], ["plugins", "describe", "--help"], ["plugin", "new", "--help"], ["up", "--help"]]) {
      const r = kitbash(args);
      expect(r.status, args.join(" ")).toBe(0);
      expect(r.stdout).toContain("Usage: kitbash");
    }
  });

  it("exits 2 on bad usage", () => {
    const r = kitbash(["profile", "frobnicate"]);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain("unknown command");
  });

  it("validates the shipped profiles", () => {
    for (const p of ["profiles/single-node.yaml", "profiles/control-plane.yaml", "single-node"]) {
      const r = kitbash(["profile", "validate", p]);
      expect(r.stderr).toBe("");
      expect(r.status).toBe(0);
      expect(r.stdout).toMatch(/: valid \(profile [a-z-]+; components: apiserver, controller-manager\b/);
    }
  });

  it("exits 2 with file:line:column, field and suggestion for a misspelt plugin", () => {
    const dir = tempTree({ "bad.yaml": `${header}extends: single-node\ncomponents:\n  apiserver:\n    plugins:\n      authorization:\n        enabled:\n          - name: AlwaysAlow\n` });
    const r = kitbash(["profile", "validate", join(dir, "bad.yaml")]);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain(`${join(dir, "bad.yaml")}:9:19: components.apiserver.plugins.authorization.enabled[0].name: unknown plugin "AlwaysAlow" (did you mean "AlwaysAllow"?)`);
  });

  it("exits 2 for a wrong arg type and for an unknown field", () => {
    const dir = tempTree({
      "args.yaml": `${header}extends: single-node\ncomponents:\n  apiserver:\n    pluginConfig:\n      - name: sqlite\n        args:\n          compactionIntervalSeconds: soon\n`,
      "field.yaml": `${header}extends: single-node\nplugins: {}\n`,
    });
    const a = kitbash(["profile", "validate", join(dir, "args.yaml")]);
    expect(a.status).toBe(2);
    expect(a.stderr).toContain("args.yaml:9:38: components.apiserver.pluginConfig[0].args.compactionIntervalSeconds:");
    const f = kitbash(["profile", "validate", join(dir, "field.yaml")]);
    expect(f.status).toBe(2);
    expect(f.stderr).toContain('field.yaml:4:1: plugins: unknown field "plugins"');
  });

  it("shows the resolved plan: every point with its plugins in order, itself a valid profile", () => {
    const r = kitbash(["profile", "show", "--resolved", "--profile", "single-node"]);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain("#   apiserver.storage (single): sqlite");
    expect(r.stdout).toContain("#   apiserver.authorization (ordered): AlwaysAllow");
    const doc = parse(r.stdout);
    expect(doc.components.apiserver.plugins.storage).toEqual({ disabled: [{ name: "*" }], enabled: [{ name: "sqlite" }] });
    const dir = tempTree({ "resolved.yaml": r.stdout });
    const again = kitbash(["profile", "show", "--resolved", "--profile", join(dir, "resolved.yaml")]);
    expect(again.status).toBe(0);
    const strip = (s: string) => s.split("\n").filter((l) => !l.startsWith("#")).join("\n");
    expect(parse(strip(again.stdout)).components).toEqual(doc.components);
  });

  it("applies --set with the paths show --resolved prints", () => {
    const r = kitbash(["profile", "show", "--resolved", "-o", "json", "--set", "components.apiserver.settings.port=7443", "--set", "components.apiserver.plugins.storage.enabled[0].name=memory"]);
    expect(r.status).toBe(0);
    const doc = JSON.parse(r.stdout);
    expect(doc.components.apiserver.settings.port).toBe(7443);
    expect(doc.components.apiserver.plugins.storage.enabled).toEqual([{ name: "memory" }]);
  });

  it("lists and describes plugins", () => {
    const list = kitbash(["plugins", "list", "--point", "apiserver.storage"]);
    expect(list.status).toBe(0);
    expect(list.stdout.split("\n").slice(1, 4).map((l) => l.split(/\s+/)[0])).toEqual(["etcd3", "memory", "sqlite"]);
    const bad = kitbash(["plugins", "list", "--point", "apiserver.storag"]);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain('did you mean "apiserver.storage"?');
    const d = kitbash(["plugins", "describe", "sqlite"]);
    expect(d.status).toBe(0);
    const doc = parse(d.stdout);
    expect(doc.points).toEqual([{ id: "apiserver.storage", kind: "single" }]);
    expect(doc.args.defaults.compactionIntervalSeconds).toBe(300);
  });

  it("loads the fixture package from a profile and shows its plugins in place", () => {
    const fixture = join(import.meta.dirname, "..", "fixtures", "plugin-package", "profile.yaml");
    const r = kitbash(["profile", "show", "--resolved", "--profile", fixture]);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toContain("#   apiserver.authorization (ordered): AcmeAllow");
    expect(r.stdout).toContain("#   apiserver.decisionNotes (ordered): AcmeNoteTaker");
    const list = kitbash(["plugins", "list", "--profile", fixture]);
    expect(list.stdout).toMatch(/AcmeAllow\s+apiserver.authorization\s+kitbash-fixture-plugins/);
  });

  it("scaffolds a plugin package", () => {
    const dir = tempTree({});
    const r = kitbash(["plugin", "new", "acme-filter", "--dir", join(dir, "acme-filter")]);
    expect(r.status, r.stderr).toBe(0);
    for (const f of ["package.json", "tsconfig.json", "src/index.ts", "src/plugin.ts", "test/plugin.test.ts", "README.md"]) {
      expect(existsSync(join(dir, "acme-filter", f)), f).toBe(true);
    }
    const pkg = JSON.parse(readFileSync(join(dir, "acme-filter", "package.json"), "utf8"));
    expect(pkg.name).toBe("acme-filter");
    expect(pkg.kitbashPluginPackage).toBeDefined();
    expect(readFileSync(join(dir, "acme-filter", "src", "index.ts"), "utf8")).toContain('name: "AcmeFilter"');
    expect(kitbash(["plugin", "new", "Bad Name"]).status).toBe(2);
  });
});
