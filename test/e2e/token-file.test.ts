import { execFile } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startCluster, type Cluster } from "../support/cluster.js";

describe("static bearer tokens (token-file) with the real kubectl", () => {
  const dir = mkdtempSync(join(tmpdir(), "kitbash-tokens-"));
  let c: Cluster;
  beforeAll(async () => {
    writeFileSync(join(dir, "tokens.csv"), 'k1tb4sh-alice-token,alice,u-alice,"dev,ops"\n');
    c = await startCluster(join(dir, "data"), [
      "--set", "components.apiserver.plugins.authentication.enabled=[{name: x509}, {name: token-file}, {name: anonymous}]",
      "--set", `components.apiserver.pluginConfig=[{name: token-file, args: {tokenAuthFile: ${JSON.stringify(join(dir, "tokens.csv"))}}}]`,
    ]);
  }, 60_000);
  afterAll(async () => {
    await c?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  const kubectl = (token: string, args: string[]) =>
    new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
      execFile("kubectl", ["--kubeconfig", "/dev/null", "--server", c.url, "--certificate-authority", join(dir, "data", "pki", "ca.crt"), "--token", token, ...args], (err, stdout, stderr) =>
        resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
      );
    });

  it("authenticates a listed token as its user and groups, and refuses an unknown one with 401", async () => {
    const who = await kubectl("k1tb4sh-alice-token", ["auth", "whoami", "-o", "json"]);
    expect(who.code).toBe(0);
    expect(JSON.parse(who.stdout).status.userInfo).toEqual({ username: "alice", uid: "u-alice", groups: ["dev", "ops", "system:authenticated"] });
    const bad = await kubectl("not-a-token", ["get", "namespaces"]);
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toMatch(/error: You must be logged in to the server/);
  });
});
