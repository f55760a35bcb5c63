import { describe, expect, it } from "vitest";
import { definePlugin } from "../../core/kernel/define-plugin.js";
import { KitbashError } from "../../core/kernel/errors.js";
import { definePoint } from "../../core/kernel/extension-point.js";
import { Registry } from "../../core/kernel/registry.js";
import { nearest } from "../../core/kernel/suggest.js";

const filter = definePoint<{ filter(): boolean }>({ id: "demo.filter", kind: "ordered", description: "filters", methods: ["filter"] });
const make = (name: string, extra: Record<string, unknown> = {}) => definePlugin({ name, serves: [filter], create: () => ({ filter: () => true }), ...extra });

describe("Registry", () => {
  it("refuses a duplicate name", () => {
    const r = new Registry();
    r.addPlugin(make("A"));
    expect(() => r.addPlugin(make("A"), "pkg")).toThrow(/already registered by builtin; declare "replaces: A"/);
  });

  it("lets a manifest that says replaces take a name's place", () => {
    const r = new Registry();
    r.addPlugin(make("A"));
    r.addPlugin(make("B", { replaces: "A" }), "pkg");
    expect(r.plugin("A")?.name).toBe("B");
    expect(r.plugin("B")?.source).toBe("pkg");
    expect(r.replacedBy("A")?.name).toBe("A");
    expect(r.allPlugins().map((m) => m.name)).toEqual(["B"]);
  });

  it("refuses to replace what is not there, suggesting a name", () => {
    const r = new Registry();
    r.addPlugin(make("NodeResourcesFit"));
    const err = (() => {
      try {
        r.addPlugin(make("X", { replaces: "NodeResourceFit" }));
      } catch (e) {
        return e as KitbashError;
      }
    })();
    expect(err?.code).toBe("KB_ERR_UNKNOWN_PLUGIN");
    expect(err?.hint).toContain("NodeResourcesFit");
  });

  it("resolves points named by id, and rejects unknown ids", () => {
    const r = new Registry();
    r.addPoint(filter);
    r.addPlugin({ name: "ById", serves: ["demo.filter"] as never, create: () => ({}) });
    expect(r.plugin("ById")?.serves[0]).toBe(filter);
    expect(() => r.addPlugin({ name: "Bad", serves: ["demo.filtr"] as never, create: () => ({}) })).toThrow(/unknown extension point "demo.filtr"/);
  });

  it("is sealed once built", () => {
    const r = new Registry();
    r.seal();
    expect(() => r.addPlugin(make("A"))).toThrow(/sealed/);
  });

  it("suggests near names and nothing for far ones", () => {
    expect(nearest("NodeResourceFit", ["NodeResourcesFit", "NodeAffinity"])).toBe("NodeResourcesFit");
    expect(nearest("sqlit", ["sqlite", "memory"])).toBe("sqlite");
    expect(nearest("zzzzzz", ["sqlite", "memory"])).toBeUndefined();
  });

  it("definePlugin rejects manifests with no points or bad names", () => {
    expect(() => definePlugin({ name: "X", serves: [], create: () => ({}) })).toThrow(/serves no extension point/);
    expect(() => definePlugin({ name: "9x", serves: [filter], create: () => ({}) })).toThrow(/must start with a letter/);
  });
});
