import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { containerdAvailable, startPrivateContainerd, type PrivateContainerd } from "../support/containerd.js";
import type { PodSandboxConfig } from "../../core/kubelet/cri/types.js";

const run = containerdAvailable();

describe.skipIf(!run)("CRI client against a private containerd", () => {
  let dir: string;
  let ctd: PrivateContainerd;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "kitbash-cri-"));
    ctd = await startPrivateContainerd(dir);
  }, 60_000);
  afterAll(async () => {
    await ctd?.stop();
    rmSync(dir, { recursive: true, force: true });
  }, 60_000);

  it("reports version v1 and finds the imported busybox and sandbox images", async () => {
    const v = await ctd.cri.version();
    expect(v.runtime_name).toBe("containerd");
    expect(v.runtime_api_version).toBe("v1");
    expect(await ctd.cri.imageStatus("docker.io/library/busybox:latest")).toMatchObject({ repo_tags: ["docker.io/library/busybox:latest"] });
    expect(await ctd.cri.imageStatus("registry.k8s.io/pause:3.6")).toBeDefined();
    expect(await ctd.cri.imageStatus("docker.io/library/nothing:here")).toBeUndefined();
  });

  it("runs a sandbox with a pod IP from the test's subnet and a container whose output reaches its log", async () => {
    const sandbox: PodSandboxConfig = {
      metadata: { name: "p", uid: "uid-1", namespace: "default", attempt: 0 },
      hostname: "p",
      log_directory: join(dir, "logs"),
      port_mappings: [],
      labels: { "io.kubernetes.pod.uid": "uid-1" },
      annotations: {},
    };
    const id = await ctd.cri.runPodSandbox(sandbox);
    const status = await ctd.cri.podSandboxStatus(id);
    expect(status?.state).toBe("SANDBOX_READY");
    const prefix = ctd.subnet.split(".").slice(0, 3).join(".") + ".";
    expect(status?.network?.ip.startsWith(prefix)).toBe(true);
    const cid = await ctd.cri.createContainer(
      id,
      {
        metadata: { name: "c", attempt: 0 },
        image: { image: "docker.io/library/busybox:latest" },
        command: ["sh", "-c", "echo hello from busybox; exit 3"],
        args: [],
        working_dir: "",
        envs: [],
        mounts: [],
        labels: {},
        annotations: {},
        log_path: "c/0.log",
      },
      sandbox,
    );
    await ctd.cri.startContainer(cid);
    let cs = await ctd.cri.containerStatus(cid);
    for (let i = 0; i < 50 && cs?.state !== "CONTAINER_EXITED"; i++) {
      await new Promise((r) => setTimeout(r, 100));
      cs = await ctd.cri.containerStatus(cid);
    }
    expect(cs).toMatchObject({ state: "CONTAINER_EXITED", exit_code: 3, reason: "Error" });
    expect(readFileSync(join(dir, "logs", "c", "0.log"), "utf8")).toMatch(/ stdout F hello from busybox\n/);
    await ctd.cri.stopPodSandbox(id);
    await ctd.cri.removePodSandbox(id);
    expect(await ctd.cri.listPodSandbox()).toEqual([]);
  }, 60_000);
});
