import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { kitbash } from "../support/cli.js";
import { tempDir } from "../support/temp.js";

const npm = process.platform === "win32" ? "npm.cmd" : "npm";

describe("kitbash plugin new", () => {
  it("scaffolds a package whose own npm test passes", () => {
    const dir = tempDir("kitbash-plugin-new-");
    const made = kitbash(["plugin", "new", "acme-filter"], { cwd: dir });
    expect(made.status, made.stderr).toBe(0);
    const pkg = join(dir, "acme-filter");
    // npm would run Kitbash's own prepare through the file: link; the built dist/ is already there.
    const install = spawnSync(npm, ["install", "--no-audit", "--no-fund", "--ignore-scripts"], { cwd: pkg, encoding: "utf8", timeout: 300_000 });
    expect(install.status, install.stderr).toBe(0);
    const test = spawnSync(npm, ["test"], { cwd: pkg, encoding: "utf8", timeout: 300_000 });
    expect(test.status, test.stdout + test.stderr).toBe(0);
    expect(test.stdout).toMatch(/2 passed/);
  }, 600_000);
});
