import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { projectRoot } from "./support/cli.js";

describe("generated files", () => {
  it("schemas/generated matches what npm run gen makes from schemas/", () => {
    const r = spawnSync(process.execPath, [join(projectRoot, "scripts", "gen-types.mjs"), "--check"], { encoding: "utf8", timeout: 60_000 });
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
  });
});
