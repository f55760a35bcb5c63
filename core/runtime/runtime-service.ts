import { spawnSync, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { networkInterfaces } from "node:os";
import { join } from "node:path";
import * as grpc from "@grpc/grpc-js";
import type { ContainerConfig, ContainerStateName, PodSandboxConfig } from "../cri/index.js";
import type { Logger } from "../kernel/logging.js";
import { CriError, invalid, notFound, unimplemented } from "./cri-errors.js";
import type { ImageStore } from "./image-store.js";
import { canIsolate, execIn, launch, spawnIn } from "./launcher.js";
import type { StreamingServer } from "./streaming-server.js";
import { CriLogWriter } from "./cri-log.js";
import type { PodNetwork, SandboxNetworkRequest } from "./network.js";
import { containerRootfs } from "./rootfs.js";
import { ContainerCgroups } from "./cgroups.js";
import type { ContainerRecord, RuntimeState, SandboxRecord } from "./state.js";

export interface RuntimeServiceOptions {
  state: RuntimeState;
  images: ImageStore;
  network: PodNetwork;
  /** Where images are unpacked once before containers copy them. */
  rootfsCache: string;
  /** Per-sandbox files (resolv.conf, hostname) live in `<podsDir>/<id>`. */
  podsDir: string;
  version: string;
  logger: Logger;
  /** Where Exec's URLs point. */
  streaming: StreamingServer;
}

const nowNs = () => Date.now() * 1_000_000;
const newId = () => randomBytes(32).toString("hex");

/**
 * CRI RuntimeService of the embedded runtime: sandboxes are a network namespace (or the host's
 * network) with the pod's files; containers are processes launched into them.
 */
export class EmbeddedRuntime {
  private readonly processes = new Map<string, { child: ChildProcess; exited: Promise<void>; log: CriLogWriter; sent?: NodeJS.Signals }>();

  constructor(private readonly o: RuntimeServiceOptions) {
    // Containers do not outlive the runtime that watched them: what was running is over.
    for (const c of o.state.containers.values()) {
      if (c.state !== "CONTAINER_RUNNING") continue;
      if (c.pid) killGroup(c.pid, "SIGKILL");
      o.state.saveContainer({ ...c, state: "CONTAINER_EXITED", finishedAt: nowNs(), exitCode: 255, reason: "Error", message: "the container runtime restarted while the container ran" });
    }
  }

  handlers(): Record<string, (req: any) => Promise<object>> {
    return {
      Version: async () => ({ version: "0.1.0", runtime_name: "kitbash", runtime_version: this.o.version, runtime_api_version: "v1" }),
      Status: async () => {
        const net = this.o.network.ready();
        return {
          status: {
            conditions: [
              { type: "RuntimeReady", status: true, reason: "", message: "" },
              { type: "NetworkReady", status: net.ok, reason: net.ok ? "" : (net.reason ?? "NetworkPluginNotReady"), message: net.message ?? "" },
            ],
          },
          info: {},
        };
      },
      RunPodSandbox: (req: { config: PodSandboxConfig }) => this.runSandbox(req.config),
      StopPodSandbox: async (req: { pod_sandbox_id: string }) => {
        const s = this.o.state.findSandbox(req.pod_sandbox_id);
        if (s) await this.stopSandbox(s);
        return {};
      },
      RemovePodSandbox: async (req: { pod_sandbox_id: string }) => {
        const s = this.o.state.findSandbox(req.pod_sandbox_id);
        if (!s) return {};
        await this.stopSandbox(s);
        for (const c of [...this.o.state.containers.values()].filter((c) => c.sandboxId === s.id)) await this.removeContainer(c);
        rmSync(this.sandboxDir(s.id), { recursive: true, force: true });
        this.o.state.deleteSandbox(s.id);
        return {};
      },
      PodSandboxStatus: async (req: { pod_sandbox_id: string }) => {
        const s = this.o.state.findSandbox(req.pod_sandbox_id);
        if (!s) throw notFound(`pod sandbox ${req.pod_sandbox_id}`);
        const ns = s.config.linux?.security_context?.namespace_options ?? { network: "POD", pid: "CONTAINER", ipc: "POD" };
        return {
          status: {
            id: s.id,
            metadata: s.config.metadata,
            state: s.state,
            created_at: s.createdAt,
            network: { ip: s.ips[0] ?? "", additional_ips: s.ips.slice(1).map((ip) => ({ ip })) },
            linux: { namespaces: { options: ns } },
            labels: s.config.labels,
            annotations: s.config.annotations,
            runtime_handler: "",
          },
          info: {},
        };
      },
      ListPodSandbox: async (req: { filter?: { id?: string; state?: { state: string } | null; label_selector?: Record<string, string> } | null }) => {
        const f = req.filter;
        const items = [...this.o.state.sandboxes.values()]
          .filter((s) => !f?.id || s.id.startsWith(f.id))
          .filter((s) => !f?.state || s.state === f.state.state)
          .filter((s) => matches(s.config.labels, f?.label_selector))
          .map((s) => ({ id: s.id, metadata: s.config.metadata, state: s.state, created_at: s.createdAt, labels: s.config.labels, annotations: s.config.annotations, runtime_handler: "" }));
        return { items };
      },
      CreateContainer: (req: { pod_sandbox_id: string; config: ContainerConfig }) => this.createContainer(req.pod_sandbox_id, req.config),
      StartContainer: async (req: { container_id: string }) => {
        const c = this.container(req.container_id);
        if (c.state !== "CONTAINER_CREATED") throw new CriError(grpc.status.FAILED_PRECONDITION, `container ${c.id} is in state ${c.state}, not created`);
        this.startContainer(c);
        return {};
      },
      StopContainer: async (req: { container_id: string; timeout: number }) => {
        const c = this.o.state.findContainer(req.container_id);
        if (c) await this.stopContainer(c, req.timeout);
        return {};
      },
      RemoveContainer: async (req: { container_id: string }) => {
        const c = this.o.state.findContainer(req.container_id);
        if (c) await this.removeContainer(c);
        return {};
      },
      ListContainers: async (req: { filter?: { id?: string; state?: { state: ContainerStateName } | null; pod_sandbox_id?: string; label_selector?: Record<string, string> } | null }) => {
        const f = req.filter;
        const containers = [...this.o.state.containers.values()]
          .filter((c) => !f?.id || c.id.startsWith(f.id))
          .filter((c) => !f?.state || c.state === f.state.state)
          .filter((c) => !f?.pod_sandbox_id || c.sandboxId.startsWith(f.pod_sandbox_id))
          .filter((c) => matches(c.config.labels, f?.label_selector))
          .map((c) => ({ id: c.id, pod_sandbox_id: c.sandboxId, metadata: c.config.metadata, image: { image: c.image, annotations: {} }, image_ref: c.imageRef, state: c.state, created_at: c.createdAt, labels: c.config.labels, annotations: c.config.annotations }));
        return { containers };
      },
      ContainerStatus: async (req: { container_id: string }) => {
        const c = this.container(req.container_id);
        return {
          status: {
            id: c.id,
            metadata: c.config.metadata,
            state: c.state,
            created_at: c.createdAt,
            started_at: c.startedAt,
            finished_at: c.finishedAt,
            exit_code: c.exitCode,
            image: { image: c.image, annotations: {} },
            image_ref: c.imageRef,
            reason: c.reason,
            message: c.message,
            labels: c.config.labels,
            annotations: c.config.annotations,
            mounts: c.config.mounts,
            log_path: c.logPath,
          },
          info: {},
        };
      },
      // Limits are not enforced without cgroups here; accepting them keeps the kubelet's sync going.
      UpdateContainerResources: async (req: { container_id: string }) => {
        this.container(req.container_id);
        return {};
      },
      ReopenContainerLog: async (req: { container_id: string }) => {
        const c = this.container(req.container_id);
        this.processes.get(c.id)?.log.reopen();
        return {};
      },
      ExecSync: async (req: { container_id: string; cmd: string[]; timeout: number }) => {
        const c = this.container(req.container_id);
        if (c.state !== "CONTAINER_RUNNING") throw new CriError(grpc.status.FAILED_PRECONDITION, `container ${c.id} is not running`);
        if (!req.cmd.length) throw invalid("ExecSync needs a command");
        const r = await execIn({ ...(c.pid !== undefined ? { pid: c.pid } : {}), rootfs: c.rootfs, env: this.envOf(c), workingDir: c.config.working_dir }, req.cmd, req.timeout * 1000);
        return { stdout: r.stdout, stderr: r.stderr, exit_code: r.exitCode };
      },
      // A pseudo-terminal needs a native module Kitbash does without: `tty` runs the command on pipes.
      Exec: async (req: { container_id: string; cmd: string[]; stdin: boolean; stdout: boolean; stderr: boolean }) => {
        const c = this.container(req.container_id);
        if (c.state !== "CONTAINER_RUNNING") throw new CriError(grpc.status.FAILED_PRECONDITION, `container ${c.id} is not running`);
        if (!req.cmd.length) throw invalid("Exec needs a command");
        const target = { ...(c.pid !== undefined ? { pid: c.pid } : {}), rootfs: c.rootfs, env: this.envOf(c), workingDir: c.config.working_dir };
        return { url: this.o.streaming.register({ stdin: req.stdin, stdout: req.stdout, stderr: req.stderr, start: () => spawnIn(target, req.cmd, { stdin: req.stdin }) }) };
      },
      Attach: async () => {
        throw unimplemented("attach is not served by the embedded runtime");
      },
      PortForward: async () => {
        throw unimplemented("port forwarding is not served by the embedded runtime");
      },
      UpdateRuntimeConfig: async () => ({}),
    };
  }

  /** Stops every container it runs (SIGKILL), for a runtime that is shutting down. */
  async shutdown(): Promise<void> {
    await Promise.all([...this.o.state.containers.values()].filter((c) => c.state === "CONTAINER_RUNNING").map((c) => this.stopContainer(c, 0)));
  }

  private async runSandbox(config: PodSandboxConfig): Promise<object> {
    if (!config?.metadata?.name) throw invalid("a pod sandbox needs metadata with a name");
    const id = newId();
    const dir = this.sandboxDir(id);
    mkdirSync(dir, { recursive: true });
    if (config.log_directory) mkdirSync(config.log_directory, { recursive: true });
    const hostNetwork = config.linux?.security_context?.namespace_options?.network === "NODE";
    const isolated = this.o.network.isolated && canIsolate() && !hostNetwork;
    const netns = isolated ? `kitbash-${id.slice(0, 12)}` : undefined;
    const record: SandboxRecord = { id, config, state: "SANDBOX_READY", createdAt: nowNs(), ips: [], ...(netns ? { netns: `/var/run/netns/${netns}` } : {}) };
    try {
      if (netns) {
        run("ip", ["netns", "add", netns]);
        run("ip", ["-n", netns, "link", "set", "lo", "up"]);
      }
      record.ips = isolated ? (await this.o.network.setUp(this.networkRequest(record))).ips : [hostIP()];
    } catch (err) {
      if (netns) spawnSync("ip", ["netns", "delete", netns]);
      rmSync(dir, { recursive: true, force: true });
      throw new CriError(grpc.status.UNKNOWN, `failed to set up the network of sandbox ${config.metadata.namespace}/${config.metadata.name}: ${(err as Error).message}`);
    }
    this.writePodFiles(record);
    this.o.state.saveSandbox(record);
    this.o.logger.info({ sandbox: id.slice(0, 12), pod: `${config.metadata.namespace}/${config.metadata.name}`, ips: record.ips }, "sandbox ready");
    return { pod_sandbox_id: id };
  }

  private async stopSandbox(s: SandboxRecord): Promise<void> {
    for (const c of [...this.o.state.containers.values()].filter((c) => c.sandboxId === s.id)) await this.stopContainer(c, 0);
    if (s.state === "SANDBOX_NOTREADY") return;
    if (s.netns) {
      await this.o.network.tearDown(this.networkRequest(s)).catch((err) => this.o.logger.warn({ sandbox: s.id.slice(0, 12), err: (err as Error).message }, "network teardown failed"));
      spawnSync("ip", ["netns", "delete", s.netns.slice(s.netns.lastIndexOf("/") + 1)]);
    }
    this.o.state.saveSandbox({ ...s, state: "SANDBOX_NOTREADY" });
  }

  private async createContainer(sandboxId: string, config: ContainerConfig): Promise<object> {
    const s = this.o.state.findSandbox(sandboxId);
    if (!s) throw notFound(`pod sandbox ${sandboxId}`);
    if (s.state !== "SANDBOX_READY") throw new CriError(grpc.status.FAILED_PRECONDITION, `pod sandbox ${s.id} is not ready`);
    if (!config?.metadata?.name) throw invalid("a container needs metadata with a name");
    const ref = config.image?.image ?? "";
    const image = this.o.images.resolve(ref);
    if (!image) throw notFound(`image "${ref}"`);
    const id = newId();
    const dir = this.o.state.containerDir(id);
    const rootfs = join(dir, "rootfs");
    await containerRootfs(this.o.images, image, this.o.rootfsCache, rootfs);
    const logPath = config.log_path ? (s.config.log_directory ? join(s.config.log_directory, config.log_path) : config.log_path) : "";
    const record: ContainerRecord = {
      id,
      sandboxId: s.id,
      config,
      imageRef: image.id,
      image: image.repoTags[0] ?? ref,
      state: "CONTAINER_CREATED",
      createdAt: nowNs(),
      startedAt: 0,
      finishedAt: 0,
      exitCode: 0,
      reason: "",
      message: "",
      rootfs,
      logPath,
    };
    this.o.state.saveContainer(record);
    return { container_id: id };
  }

  private startContainer(c: ContainerRecord): void {
    const s = this.o.state.sandboxes.get(c.sandboxId);
    if (!s || s.state !== "SANDBOX_READY") throw new CriError(grpc.status.FAILED_PRECONDITION, `the sandbox of container ${c.id} is not ready`);
    const image = this.o.images.resolve(c.imageRef);
    const entrypoint = c.config.command.length ? c.config.command : (image?.config.Entrypoint ?? []);
    const args = c.config.args.length ? c.config.args : c.config.command.length ? [] : (image?.config.Cmd ?? []);
    const argv = [...entrypoint, ...args];
    if (!argv.length) throw invalid(`container ${c.config.metadata?.name}: no command, and the image names none`);
    const sc = c.config.linux?.security_context;
    const uid = sc?.run_as_user?.value;
    const user = uid !== undefined ? `${uid}:${sc?.run_as_group?.value ?? uid}` : undefined;
    const sandboxDir = this.sandboxDir(s.id);
    const mounts = [
      ...(c.config.mounts.some((m) => m.container_path === "/etc/resolv.conf") ? [] : [{ hostPath: join(sandboxDir, "resolv.conf"), containerPath: "/etc/resolv.conf", readonly: false }]),
      ...(c.config.mounts.some((m) => m.container_path === "/etc/hostname") ? [] : [{ hostPath: join(sandboxDir, "hostname"), containerPath: "/etc/hostname", readonly: false }]),
      ...c.config.mounts.map((m) => ({ hostPath: m.host_path, containerPath: m.container_path, readonly: m.readonly })),
    ];
    const cgroups = ContainerCgroups.create(c.id, c.config.linux?.resources);
    const child = launch({
      rootfs: c.rootfs,
      hostname: s.config.hostname || s.config.metadata?.name || "localhost",
      ...(s.netns ? { netns: s.netns } : {}),
      argv,
      env: this.envOf(c),
      workingDir: c.config.working_dir || image?.config.WorkingDir || "/",
      ...(user ? { user } : {}),
      mounts,
      stateDir: this.o.state.containerDir(c.id),
      ...(cgroups ? { cgroups: cgroups.paths } : {}),
    });
    const log = new CriLogWriter(c.logPath || join(this.o.state.containerDir(c.id), "container.log"));
    // util-linux's unshare, whose child died of a signal, fails to die of it in turn and exits 1
    // saying so: that line is not the container's, and it means a signal ended the container.
    let killedBySignal = false;
    log.follow(child.stdout!, "stdout");
    log.follow(child.stderr!, "stderr", UNSHARE_SIGNAL_DIAGNOSTIC, () => (killedBySignal = true));
    let spawnError = "";
    child.once("error", (err) => (spawnError = err.message));
    const exited = new Promise<void>((resolve) =>
      child.once("close", (code, signal) => {
        const current = this.o.state.containers.get(c.id);
        const sentSignal = this.processes.get(c.id)?.sent;
        this.processes.delete(c.id);
        if (!current) return resolve();
        const oom = cgroups?.oomKilled() ?? false;
        const sent = sentSignal;
        const exitCode = killedBySignal ? (oom || sent !== "SIGTERM" ? 137 : 143) : (code ?? (signal ? 128 + (signalNumber[signal] ?? 9) : 255));
        cgroups?.remove();
        this.o.state.saveContainer({ ...current, state: "CONTAINER_EXITED", finishedAt: nowNs(), exitCode, reason: exitCode === 0 ? "Completed" : oom ? "OOMKilled" : "Error", message: spawnError });
        resolve();
      }),
    );
    this.processes.set(c.id, { child, exited, log });
    this.o.state.saveContainer({ ...c, state: "CONTAINER_RUNNING", startedAt: nowNs(), ...(child.pid !== undefined ? { pid: child.pid } : {}) });
  }

  /** SIGTERM to the container's whole process group, SIGKILL after `timeoutSeconds`. */
  private async stopContainer(c: ContainerRecord, timeoutSeconds: number): Promise<void> {
    const p = this.processes.get(c.id);
    if (!p || c.pid === undefined) return;
    if (timeoutSeconds > 0) {
      p.sent = "SIGTERM";
      killGroup(c.pid, "SIGTERM");
      const timer = new Promise<"timeout">((r) => setTimeout(() => r("timeout"), timeoutSeconds * 1000));
      if ((await Promise.race([p.exited.then(() => "exited" as const), timer])) === "exited") return;
    }
    p.sent = "SIGKILL";
    killGroup(c.pid, "SIGKILL");
    await p.exited;
  }

  private async removeContainer(c: ContainerRecord): Promise<void> {
    await this.stopContainer(c, 0);
    rmSync(this.o.state.containerDir(c.id), { recursive: true, force: true });
    this.o.state.deleteContainer(c.id);
  }

  private container(id: string): ContainerRecord {
    const c = this.o.state.findContainer(id);
    if (!c) throw notFound(`container ${id}`);
    return c;
  }

  /** The image's environment, overridden by the container's. */
  private envOf(c: ContainerRecord): Record<string, string> {
    const env: Record<string, string> = {};
    for (const kv of this.o.images.resolve(c.imageRef)?.config.Env ?? []) {
      const i = kv.indexOf("=");
      if (i > 0) env[kv.slice(0, i)] = kv.slice(i + 1);
    }
    for (const kv of c.config.envs) env[kv.key] = kv.value;
    env.PATH ??= "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
    return env;
  }

  private sandboxDir(id: string): string {
    return join(this.o.podsDir, id);
  }

  /** resolv.conf from the sandbox's DNS config (the host's when it has none) and the hostname file. */
  private writePodFiles(s: SandboxRecord): void {
    const dir = this.sandboxDir(s.id);
    const dns = s.config.dns_config;
    const resolv = dns && (dns.servers.length || dns.searches.length)
      ? [...dns.servers.map((x) => `nameserver ${x}`), ...(dns.searches.length ? [`search ${dns.searches.join(" ")}`] : []), ...(dns.options.length ? [`options ${dns.options.join(" ")}`] : [])].join("\n") + "\n"
      : readHostResolv();
    writeFileSync(join(dir, "resolv.conf"), resolv);
    writeFileSync(join(dir, "hostname"), `${s.config.hostname || s.config.metadata?.name || "localhost"}\n`);
  }

  private networkRequest(s: SandboxRecord): SandboxNetworkRequest {
    const m = s.config.metadata!;
    return {
      id: s.id,
      name: m.name,
      namespace: m.namespace,
      uid: m.uid,
      ...(s.netns ? { netns: s.netns } : {}),
      portMappings: s.config.port_mappings.map((p) => ({ protocol: p.protocol.toLowerCase(), containerPort: p.container_port, hostPort: p.host_port, hostIP: p.host_ip })),
    };
  }
}

const UNSHARE_SIGNAL_DIAGNOSTIC = /^unshare: sigprocmask unblock failed/;

const signalNumber: Record<string, number> = { SIGHUP: 1, SIGINT: 2, SIGQUIT: 3, SIGKILL: 9, SIGTERM: 15 };

function killGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // Already gone.
  }
}

function matches(labels: Record<string, string>, selector: Record<string, string> | undefined): boolean {
  return !selector || Object.entries(selector).every(([k, v]) => labels[k] === v);
}

function run(cmd: string, args: string[]): void {
  const r = spawnSync(cmd, args, { encoding: "utf8" });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(" ")}: ${r.stderr?.trim() || r.error?.message || `exit ${r.status}`}`);
}

function hostIP(): string {
  for (const list of Object.values(networkInterfaces())) for (const a of list ?? []) if (a.family === "IPv4" && !a.internal) return a.address;
  return "127.0.0.1";
}

function readHostResolv(): string {
  try {
    return readFileSync("/etc/resolv.conf", "utf8");
  } catch {
    return "";
  }
}
