import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { describe, expect, it } from "vitest";
import { projectRoot } from "./support/cli.js";
import { builtinPlugins } from "../plugins/builtins.js";

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? files(p) : p.endsWith(".ts") ? [p] : [];
  });
}
const imports = (file: string) => [...readFileSync(file, "utf8").matchAll(/from\s+"([^"]+)"|import\("([^"]+)"\)/g)].map((m) => m[1] ?? m[2]!);

describe("architecture rules", () => {
  it("core never imports a plugin, and the kernel imports nothing of the project outside itself", () => {
    const offenders: string[] = [];
    for (const f of files(join(projectRoot, "core"))) {
      const rel = relative(projectRoot, f);
      for (const spec of imports(f)) {
        if (spec.includes("/plugins/")) offenders.push(`${rel} -> ${spec}`);
        if (rel.startsWith("core/kernel/") && spec.startsWith("..")) offenders.push(`${rel} -> ${spec}`);
      }
    }
    expect(offenders).toEqual([]);
  });

  it("the client imports only the API machinery and the kernel, so every component can build on it", () => {
    const offenders: string[] = [];
    for (const f of files(join(projectRoot, "core", "client"))) {
      for (const spec of imports(f)) {
        if (!spec.startsWith(".")) continue;
        const target = relative(projectRoot, join(f, "..", spec));
        if (!/^core\/(client|api|kernel)\//.test(target)) offenders.push(`${relative(projectRoot, f)} -> ${spec}`);
      }
    }
    expect(offenders).toEqual([]);
  });

  it("no plugin reaches into another plugin's folder", () => {
    const offenders: string[] = [];
    for (const f of files(join(projectRoot, "plugins"))) {
      const rel = relative(projectRoot, f);
      const own = rel.split("/").slice(0, 4).join("/");
      for (const spec of imports(f)) {
        if (!spec.startsWith(".")) continue;
        const target = relative(projectRoot, join(f, "..", spec));
        if (target.startsWith("plugins/") && !target.startsWith(own) && rel !== "plugins/builtins.ts") offenders.push(`${rel} -> ${spec}`);
      }
    }
    expect(offenders).toEqual([]);
  });

  it("every built-in plugin lives in a folder of its main point, with a README", () => {
    for (const m of builtinPlugins) {
      const dirs = files(join(projectRoot, "plugins")).filter((f) => f.endsWith("/index.ts")).map((f) => relative(projectRoot, f));
      const home = dirs.find((d) => readFileSync(join(projectRoot, d), "utf8").includes(`name: "${m.name}"`));
      expect(home, m.name).toBeDefined();
      const [, component, point] = home!.split("/");
      expect(m.serves.map((p) => `${p.component}/${p.name}`)).toContain(`${component}/${point}`);
      expect(statSync(join(projectRoot, home!, "..", "README.md")).isFile()).toBe(true);
    }
  });
});
