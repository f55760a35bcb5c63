import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startCluster, type Cluster } from "../../support/cluster.js";
import { kitbash } from "../../support/cli.js";
import { hasBusybox, writeBusyboxArchive } from "../../support/oci-image.js";
import { partAvailable } from "../../support/parts.js";
import { until } from "../../support/until.js";

describe.runIf(partAvailable("busybox", hasBusybox(), "the busybox-static package"))("kitbash up --profile single-node-pods: the kubelet on the embedded runtime", () => {
  const dir = mkdtempSync(join(tmpdir(), "kitbash-pods-"));
  let c: Cluster;
  beforeAll(async () => {
    const archive = join(dir, "busybox.tar");
    await writeBusyboxArchive(archive);
    expect(kitbash(["images", "import", archive, "--data-dir", join(dir, "data")]).status).toBe(0);
    c = await startCluster(join(dir, "data"), ["--profile", "single-node-pods", "--set", "components.kubelet.settings.port=0", "--set", "components.kubelet.settings.nodeName=local"]);
  }, 60_000);
  afterAll(async () => {
    await c?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it("registers the node, runs a pod to Running, and serves its logs and exec", async () => {
    await until("node local Ready", async () => (await c.kubectl(["get", "node", "local", "-o", "jsonpath={.status.conditions[?(@.type=='Ready')].status}"])).stdout === "True", 30_000);
    expect((await c.kubectl(["run", "hello", "--image=busybox", "--restart=Never", "--", "sh", "-c", "echo hello from kitbash; sleep 300"])).code).toBe(0);
    await until("hello Running", async () => (await c.kubectl(["get", "pod", "hello", "-o", "jsonpath={.status.phase}"])).stdout === "Running", 30_000);
    expect((await c.kubectl(["get", "pod", "hello", "-o", "jsonpath={.spec.nodeName}"])).stdout).toBe("local");
    await until("its log", async () => (await c.kubectl(["logs", "hello"])).stdout === "hello from kitbash\n");
    const exec = await c.kubectl(["exec", "hello", "--", "cat", "/etc/hostname"]);
    expect([exec.code, exec.stdout]).toEqual([0, "hello\n"]);
    expect((await c.kubectl(["delete", "pod", "hello", "--grace-period=1"])).code).toBe(0);
  }, 90_000);
});
