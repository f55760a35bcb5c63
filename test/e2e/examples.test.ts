import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse } from "yaml";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hasKubectl, startCluster, type Cluster } from "../support/cluster.js";
import { partAvailable } from "../support/parts.js";
import { projectRoot } from "../support/cli.js";

/** Every field the manifest sets is in the live object with the same value. */
function missingFrom(want: unknown, got: unknown, path = ""): string[] {
  if (typeof want !== "object" || want === null) return JSON.stringify(want) === JSON.stringify(got) ? [] : [`${path}: want ${JSON.stringify(want)}, got ${JSON.stringify(got)}`];
  if (Array.isArray(want)) {
    if (!Array.isArray(got) || got.length !== want.length) return [`${path}: list differs`];
    return want.flatMap((w, i) => missingFrom(w, got[i], `${path}[${i}]`));
  }
  if (typeof got !== "object" || got === null) return [`${path}: missing`];
  return Object.entries(want).flatMap(([k, v]) => missingFrom(v, (got as Record<string, unknown>)[k], `${path}.${k}`));
}

const dir = join(projectRoot, "examples");
// The namespace first, the CRD before anything of its kind.
const files = readdirSync(dir)
  .filter((f) => f.endsWith(".yaml"))
  .sort((a, b) => (a === "namespace.yaml" ? -1 : b === "namespace.yaml" ? 1 : a.localeCompare(b)));

describe.skipIf(!partAvailable("kubectl", hasKubectl(), "the machine image (kubectl v1.32 on PATH)"))("examples/", () => {
  let c: Cluster;
  const data = mkdtempSync(join(tmpdir(), "kitbash-examples-"));
  beforeAll(async () => {
    c = await startCluster(data, ["--profile", "control-plane"]);
  });
  afterAll(async () => {
    await c?.stop();
    rmSync(data, { recursive: true, force: true });
  });

  for (const f of files) {
    it(`${f} applies and reads back with only server-populated fields added`, async () => {
      const manifest = parse(readFileSync(join(dir, f), "utf8"));
      const applied = await c.kubectl(["apply", "-f", join(dir, f)]);
      expect(applied.stderr).toBe("");
      expect(applied.stdout).toMatch(/ created\n$/);
      const ns = manifest.metadata.namespace ? ["-n", manifest.metadata.namespace] : [];
      const got = JSON.parse((await c.kubectl(["get", ...ns, `${manifest.kind}.${manifest.apiVersion.split("/").length > 1 ? manifest.apiVersion.split("/")[0] : ""}`.replace(/\.$/, ""), manifest.metadata.name, "-o", "json"])).stdout);
      expect(missingFrom(manifest, got)).toEqual([]);
      expect(got.metadata.uid).toBeDefined();
    });
  }
});
