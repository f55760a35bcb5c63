import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CriClient, type ContainerStatus, type PodSandboxStatus } from "../../core/cri/index.js";
import { ImageStore, importArchive, imageStoreDir } from "../../core/runtime/index.js";
import { RuntimeMain } from "../../core/runtime/server.js";
import { HostNetwork } from "../../plugins/runtime/network/host/host-network.js";
import { silentLogger } from "../../core/kernel/logging.js";
import { createRootMetrics } from "../../core/kernel/metrics.js";
import { partAvailable } from "../support/parts.js";
import { hasBusybox, writeBusyboxArchive, writeOciArchive } from "../support/oci-image.js";
import { until } from "../support/until.js";

const asRoot = process.getuid?.() === 0;

describe("image import", () => {
  it("applies layers with whiteouts, and refuses what is not an image archive", async () => {
    const dir = mkdtempSync(join(tmpdir(), "kitbash-img-"));
    try {
      const archive = join(dir, "layers.tar");
      await writeOciArchive(archive, {
        name: "example.test/layers:v1",
        layers: [
          { "etc/a": { text: "a" }, "etc/b": { text: "b" }, "opt/x/old": { text: "old" } },
          { "etc/.wh.a": { text: "" }, "opt/x/.wh..wh..opq": { text: "" }, "opt/x/new": { text: "new" } },
        ],
        config: { Cmd: ["true"] },
      });
      const store = new ImageStore(join(dir, "store"));
      const [image] = await importArchive(store, archive);
      expect(image!.repoTags).toEqual(["example.test/layers:v1"]);
      expect(store.resolve("example.test/layers:v1")?.id).toBe(image!.id);
      expect(store.resolve(image!.id)?.layers).toHaveLength(2);
      const { unpackImage } = await import("../../core/runtime/rootfs.js");
      await unpackImage(store, image!, join(dir, "root"));
      expect([existsSync(join(dir, "root/etc/a")), readFileSync(join(dir, "root/etc/b"), "utf8")]).toEqual([false, "b"]);
      expect([existsSync(join(dir, "root/opt/x/old")), readFileSync(join(dir, "root/opt/x/new"), "utf8")]).toEqual([false, "new"]);

      await expect(importArchive(store, join(dir, "missing.tar"))).rejects.toThrow(/missing\.tar: no such file/);
      writeFileSync(join(dir, "junk.tar"), "not a tar at all");
      await expect(importArchive(store, join(dir, "junk.tar"))).rejects.toThrow(/junk\.tar: (not a readable tar archive|neither an OCI image layout)/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe.runIf(partAvailable("busybox", hasBusybox(), "the busybox-static package"))("the embedded runtime over CRI", () => {
  const dir = mkdtempSync(join(tmpdir(), "kitbash-rt-"));
  let runtime: RuntimeMain;
  let cri: CriClient;

  beforeAll(async () => {
    const archive = join(dir, "busybox.tar");
    await writeBusyboxArchive(archive);
    await importArchive(new ImageStore(imageStoreDir(join(dir, "runtime"))), archive);
    const network = new HostNetwork();
    runtime = new RuntimeMain({
      name: "runtime",
      settings: { socket: "runtime/cri.sock", root: "runtime" },
      config: {},
      dataDir: dir,
      logger: silentLogger(),
      metrics: createRootMetrics(),
      single: () => network,
    } as never);
    await runtime.start();
    cri = new CriClient(runtime.socket, 10_000);
  }, 60_000);

  afterAll(async () => {
    cri?.close();
    await runtime?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  const sandboxConfig = (name: string) => ({
    metadata: { name, uid: `uid-${name}`, namespace: "default", attempt: 0 },
    hostname: name,
    log_directory: join(dir, "pods", `default_${name}_uid-${name}`),
    labels: { "io.kubernetes.pod.name": name },
    dns_config: { servers: ["10.96.0.10"], searches: ["default.svc.cluster.local"], options: ["ndots:5"] },
  });
  const status = async (id: string) => (await cri.call<{ status: ContainerStatus }>("RuntimeService", "ContainerStatus", { container_id: id })).status;

  it("answers Version and Status as a CRI runtime", async () => {
    expect(await cri.call("RuntimeService", "Version", { version: "v1" })).toMatchObject({ runtime_name: "kitbash", runtime_api_version: "v1" });
    const s = await cri.call<{ status: { conditions: { type: string; status: boolean }[] } }>("RuntimeService", "Status", {});
    expect(s.status.conditions.map((c) => [c.type, c.status])).toEqual([["RuntimeReady", true], ["NetworkReady", true]]);
  });

  it("serves images from its store and refuses to pull what it does not hold", async () => {
    const pulled = await cri.call<{ image_ref: string }>("ImageService", "PullImage", { image: { image: "busybox" } });
    expect(pulled.image_ref).toMatch(/^sha256:[0-9a-f]{64}$/);
    const st = await cri.call<{ image: { repo_tags: string[] } | null }>("ImageService", "ImageStatus", { image: { image: "docker.io/library/busybox:latest" } });
    expect(st.image?.repo_tags).toEqual(["docker.io/library/busybox:latest"]);
    expect((await cri.call<{ image: unknown }>("ImageService", "ImageStatus", { image: { image: "nginx" } })).image).toBeNull();
    await expect(cri.call("ImageService", "PullImage", { image: { image: "nginx" } })).rejects.toMatchObject({ code: 5, details: expect.stringMatching(/not in the local image store.*kitbash images import/) });
  });

  it("runs a pod's container with its command, environment, files and CRI log, executes in it, and stops it", async () => {
    const { pod_sandbox_id: sandbox } = await cri.call<{ pod_sandbox_id: string }>("RuntimeService", "RunPodSandbox", { config: sandboxConfig("web") });
    const sb = (await cri.call<{ status: PodSandboxStatus }>("RuntimeService", "PodSandboxStatus", { pod_sandbox_id: sandbox })).status;
    expect(sb.state).toBe("SANDBOX_READY");
    expect(sb.network?.ip).toMatch(/^\d+\.\d+\.\d+\.\d+$/);

    const { container_id: id } = await cri.call<{ container_id: string }>("RuntimeService", "CreateContainer", {
      pod_sandbox_id: sandbox,
      config: {
        metadata: { name: "main", attempt: 0 },
        image: { image: "busybox" },
        command: ["sh", "-c"],
        args: ['echo "hello $GREETING"; echo oops >&2; cat /etc/hostname; cat /etc/resolv.conf; ls /; exec sleep 30'],
        envs: [{ key: "GREETING", value: "world" }],
        log_path: "main/0.log",
        labels: { "io.kubernetes.container.name": "main" },
      },
      sandbox_config: sandboxConfig("web"),
    });
    expect((await status(id)).state).toBe("CONTAINER_CREATED");
    await cri.call("RuntimeService", "StartContainer", { container_id: id });
    const logFile = join(dir, "pods", "default_web_uid-web", "main", "0.log");
    const log = await until("the container's log", () => {
      const text = existsSync(logFile) ? readFileSync(logFile, "utf8") : "";
      return text.includes("nameserver") && text.includes("tmp") ? text : undefined;
    });
    const lines = log.trim().split("\n");
    expect(lines[0]).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z stdout F hello world$/);
    expect(log).toMatch(/ stderr F oops\n/);
    expect(log).toMatch(/ stdout F web\n/);
    expect(log).toMatch(/ stdout F nameserver 10\.96\.0\.10\n/);
    expect(log).toMatch(/ stdout F search default\.svc\.cluster\.local\n/);
    expect((await status(id)).state).toBe("CONTAINER_RUNNING");

    const exec = await cri.call<{ stdout: Buffer; exit_code: number }>("RuntimeService", "ExecSync", { container_id: id, cmd: ["cat", "/etc/hostname"], timeout: 5 });
    expect([exec.stdout.toString().trim(), exec.exit_code]).toEqual(["web", 0]);
    const failing = await cri.call<{ stderr: Buffer; exit_code: number }>("RuntimeService", "ExecSync", { container_id: id, cmd: ["sh", "-c", "exit 3"], timeout: 5 });
    expect(failing.exit_code).toBe(3);
    if (asRoot) {
      // Isolated: its own root filesystem and hostname, its own PID namespace.
      const ls = await cri.call<{ stdout: Buffer }>("RuntimeService", "ExecSync", { container_id: id, cmd: ["sh", "-c", "hostname; ls /; ps -o pid,comm"], timeout: 5 });
      const out = ls.stdout.toString();
      expect(out.split("\n")[0]).toBe("web");
      expect(out).toMatch(/\bbin\b/);
      expect(out).not.toMatch(/\bwork\b|\bboot\b/);
      expect(out).toMatch(/^\s*1\s+sleep$/m);
    }

    const stoppedAt = Date.now();
    await cri.call("RuntimeService", "StopContainer", { container_id: id, timeout: 2 });
    expect(Date.now() - stoppedAt).toBeLessThan(5000);
    const done = await status(id);
    expect(done.state).toBe("CONTAINER_EXITED");
    expect(done.finished_at).toBeGreaterThan(done.started_at);
    // sleep, the PID 1 of its namespace, ignores SIGTERM: the grace period ends in SIGKILL.
    expect([done.exit_code, done.reason]).toEqual([137, "Error"]);

    await cri.call("RuntimeService", "RemoveContainer", { container_id: id });
    await cri.call("RuntimeService", "StopPodSandbox", { pod_sandbox_id: sandbox });
    await cri.call("RuntimeService", "RemovePodSandbox", { pod_sandbox_id: sandbox });
    expect((await cri.call<{ containers: unknown[] }>("RuntimeService", "ListContainers", {})).containers).toEqual([]);
    expect((await cri.call<{ items: unknown[] }>("RuntimeService", "ListPodSandbox", {})).items).toEqual([]);
    await expect(status(id)).rejects.toMatchObject({ code: 5 });
  }, 30_000);

  it("serves Exec as a one-time WebSocket URL speaking channel.k8s.io: stdin in, stdout out, the exit as a Status", async () => {
    const { pod_sandbox_id: sandbox } = await cri.call<{ pod_sandbox_id: string }>("RuntimeService", "RunPodSandbox", { config: sandboxConfig("shell") });
    const { container_id: id } = await cri.call<{ container_id: string }>("RuntimeService", "CreateContainer", {
      pod_sandbox_id: sandbox,
      config: { metadata: { name: "sh", attempt: 0 }, image: { image: "busybox" }, command: ["sleep", "60"], log_path: "sh/0.log" },
    });
    await cri.call("RuntimeService", "StartContainer", { container_id: id });
    const { WebSocket } = await import("ws");
    const session = async (cmd: string[], stdin?: string) => {
      const { url } = await cri.call<{ url: string }>("RuntimeService", "Exec", { container_id: id, cmd, stdin: stdin !== undefined, stdout: true, stderr: true });
      const ws = new WebSocket(url, ["v5.channel.k8s.io"]);
      const out: Record<number, string> = {};
      ws.on("message", (m: Buffer) => (out[m[0]!] = (out[m[0]!] ?? "") + m.subarray(1).toString()));
      await new Promise((r) => ws.once("open", r));
      if (stdin !== undefined) {
        ws.send(Buffer.concat([Buffer.from([0]), Buffer.from(stdin)]));
        ws.send(Buffer.from([255, 0]));
      }
      await new Promise((r) => ws.once("close", r));
      return { url, stdout: out[1] ?? "", stderr: out[2] ?? "", status: JSON.parse(out[3] ?? "{}") };
    };
    const cat = await session(["cat"], "piped in\n");
    expect([cat.stdout, cat.status]).toEqual(["piped in\n", { metadata: {}, status: "Success" }]);
    const failing = await session(["sh", "-c", "echo bad >&2; exit 4"]);
    expect(failing.stderr).toBe("bad\n");
    expect(failing.status).toMatchObject({ status: "Failure", reason: "NonZeroExitCode", details: { causes: [{ reason: "ExitCode", message: "4" }] } });
    // A URL serves once.
    const again = new WebSocket(cat.url, ["v5.channel.k8s.io"]);
    await expect(new Promise((resolve, reject) => { again.once("open", resolve); again.once("error", reject); })).rejects.toThrow(/404/);
    await cri.call("RuntimeService", "RemovePodSandbox", { pod_sandbox_id: sandbox });
  }, 30_000);

  it.runIf(asRoot && existsSync("/sys/fs/cgroup/memory"))("holds a container to its memory and CPU limits in its own cgroup; one that outgrows its memory is OOMKilled", async () => {
    const { pod_sandbox_id: sandbox } = await cri.call<{ pod_sandbox_id: string }>("RuntimeService", "RunPodSandbox", { config: sandboxConfig("limits") });
    const make = async (name: string, script: string, resources: object) =>
      (await cri.call<{ container_id: string }>("RuntimeService", "CreateContainer", {
        pod_sandbox_id: sandbox,
        config: { metadata: { name, attempt: 0 }, image: { image: "busybox" }, command: ["sh", "-c", script], log_path: `${name}/0.log`, linux: { resources } },
      })).container_id;
    const capped = await make("capped", "sleep 30", { cpu_period: 100000, cpu_quota: 50000, cpu_shares: 512, memory_limit_in_bytes: 64 * 1024 * 1024 });
    await cri.call("RuntimeService", "StartContainer", { container_id: capped });
    const cg = (ctrl: string, file: string) => readFileSync(`/sys/fs/cgroup/${ctrl}/kitbash/${capped}/${file}`, "utf8").trim();
    expect([cg("cpu", "cpu.cfs_quota_us"), cg("cpu", "cpu.shares"), cg("memory", "memory.limit_in_bytes")]).toEqual(["50000", "512", String(64 * 1024 * 1024)]);
    // The container's process is in it (the runtime's own is not).
    const member = await until("the container's process in its cgroup", () => {
      const pids = cg("memory", "cgroup.procs").split("\n").filter(Boolean);
      return pids.length === 1 && readFileSync(`/proc/${pids[0]}/cmdline`, "utf8").startsWith("sleep") ? pids[0] : undefined;
    });
    expect(readFileSync(`/proc/${member}/cmdline`, "utf8").replace(/\0/g, " ").trim()).toBe("sleep 30");

    // tail looks for the last lines of an endless file with no newline: it holds all of it.
    const hog = await make("hog", "exec tail /dev/zero", { memory_limit_in_bytes: 32 * 1024 * 1024 });
    await cri.call("RuntimeService", "StartContainer", { container_id: hog });
    const done = await until("the hog to be killed", async () => ((await status(hog)).state === "CONTAINER_EXITED" ? status(hog) : undefined), 20_000);
    expect([done.exit_code, done.reason]).toEqual([137, "OOMKilled"]);
    await cri.call("RuntimeService", "RemovePodSandbox", { pod_sandbox_id: sandbox });
    expect(existsSync(`/sys/fs/cgroup/memory/kitbash/${capped}`)).toBe(false);
  }, 40_000);

  it("records a failing container's exit code, and its completion as Completed", async () => {
    const { pod_sandbox_id: sandbox } = await cri.call<{ pod_sandbox_id: string }>("RuntimeService", "RunPodSandbox", { config: sandboxConfig("jobs") });
    const make = async (name: string, script: string) =>
      (await cri.call<{ container_id: string }>("RuntimeService", "CreateContainer", {
        pod_sandbox_id: sandbox,
        config: { metadata: { name, attempt: 0 }, image: { image: "busybox" }, command: ["sh", "-c", script], log_path: `${name}/0.log` },
      })).container_id;
    const bad = await make("bad", "exit 1");
    const good = await make("good", "true");
    await cri.call("RuntimeService", "StartContainer", { container_id: bad });
    await cri.call("RuntimeService", "StartContainer", { container_id: good });
    const b = await until("bad to exit", async () => ((await status(bad)).state === "CONTAINER_EXITED" ? status(bad) : undefined));
    const g = await until("good to exit", async () => ((await status(good)).state === "CONTAINER_EXITED" ? status(good) : undefined));
    expect([b.exit_code, b.reason]).toEqual([1, "Error"]);
    expect([g.exit_code, g.reason]).toEqual([0, "Completed"]);
    await expect(cri.call("RuntimeService", "StartContainer", { container_id: bad })).rejects.toMatchObject({ code: 9 });
    const listed = await cri.call<{ containers: { id: string }[] }>("RuntimeService", "ListContainers", { filter: { state: { state: "CONTAINER_EXITED" }, pod_sandbox_id: sandbox } });
    expect(listed.containers.map((c) => c.id).sort()).toEqual([bad, good].sort());
    await cri.call("RuntimeService", "RemovePodSandbox", { pod_sandbox_id: sandbox });
  }, 30_000);
});
