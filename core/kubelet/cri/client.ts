import * as grpc from "@grpc/grpc-js";
import { CriClient } from "../../cri/index.js";
import type { RuntimeService } from "./runtime-service.js";
import type { Container, ContainerConfig, ContainerState, ContainerStatus, Image, Labels, PodSandbox, PodSandboxConfig, PodSandboxState, PodSandboxStatus } from "./types.js";

/** A CRI error, with the gRPC code (5 NotFound, 12 Unimplemented, …) and the method that failed. */
export class CriError extends Error {
  constructor(
    readonly method: string,
    readonly code: number,
    details: string,
  ) {
    super(`CRI ${method}: ${details}`);
    this.name = "CriError";
  }
}

/**
 * The kubelet's typed view of a CRI server (upstream's remote runtime service), over the
 * project's CRI client; failures become CriErrors naming the method.
 */
export class RemoteRuntime implements RuntimeService {
  private readonly client: CriClient;

  constructor(
    readonly endpoint: string,
    timeoutMs = 120_000,
  ) {
    this.client = new CriClient(endpoint, timeoutMs);
  }

  private async call<T>(service: "RuntimeService" | "ImageService", method: string, req: object): Promise<T> {
    try {
      return await this.client.call<T>(service, method, req);
    } catch (err) {
      const e = err as grpc.ServiceError;
      throw new CriError(method, e.code ?? grpc.status.UNKNOWN, e.details || e.message);
    }
  }

  private rt<T>(method: string, req: object = {}): Promise<T> {
    return this.call<T>("RuntimeService", method, req);
  }

  private async orUndefined<T>(p: Promise<T>): Promise<T | undefined> {
    try {
      return await p;
    } catch (err) {
      if (err instanceof CriError && err.code === grpc.status.NOT_FOUND) return undefined;
      throw err;
    }
  }

  version() {
    return this.rt<Awaited<ReturnType<RuntimeService["version"]>>>("Version", { version: "v1" });
  }
  async status() {
    const res = await this.rt<{ status: { conditions: Awaited<ReturnType<RuntimeService["status"]>> } | null }>("Status");
    return res.status?.conditions ?? [];
  }
  async runPodSandbox(config: PodSandboxConfig) {
    return (await this.rt<{ pod_sandbox_id: string }>("RunPodSandbox", { config })).pod_sandbox_id;
  }
  async stopPodSandbox(id: string) {
    await this.rt("StopPodSandbox", { pod_sandbox_id: id });
  }
  async removePodSandbox(id: string) {
    await this.rt("RemovePodSandbox", { pod_sandbox_id: id });
  }
  async podSandboxStatus(id: string) {
    const res = await this.orUndefined(this.rt<{ status: PodSandboxStatus | null }>("PodSandboxStatus", { pod_sandbox_id: id }));
    return res?.status ?? undefined;
  }
  async listPodSandbox(filter: { state?: PodSandboxState; labels?: Labels } = {}) {
    const f = { ...(filter.state ? { state: { state: filter.state } } : {}), label_selector: filter.labels ?? {} };
    return (await this.rt<{ items: PodSandbox[] }>("ListPodSandbox", { filter: f })).items;
  }
  async createContainer(sandboxId: string, config: ContainerConfig, sandboxConfig: PodSandboxConfig) {
    const res = await this.rt<{ container_id: string }>("CreateContainer", { pod_sandbox_id: sandboxId, config, sandbox_config: sandboxConfig });
    return res.container_id;
  }
  async startContainer(id: string) {
    await this.rt("StartContainer", { container_id: id });
  }
  async stopContainer(id: string, timeoutSeconds: number) {
    await this.rt("StopContainer", { container_id: id, timeout: timeoutSeconds });
  }
  async removeContainer(id: string) {
    await this.rt("RemoveContainer", { container_id: id });
  }
  async listContainers(filter: { sandboxId?: string; state?: ContainerState; labels?: Labels } = {}) {
    const f = {
      pod_sandbox_id: filter.sandboxId ?? "",
      ...(filter.state ? { state: { state: filter.state } } : {}),
      label_selector: filter.labels ?? {},
    };
    return (await this.rt<{ containers: Container[] }>("ListContainers", { filter: f })).containers;
  }
  async containerStatus(id: string) {
    const res = await this.orUndefined(this.rt<{ status: ContainerStatus | null }>("ContainerStatus", { container_id: id }));
    return res?.status ?? undefined;
  }
  execSync(id: string, cmd: string[], timeoutSeconds: number) {
    return this.rt<Awaited<ReturnType<RuntimeService["execSync"]>>>("ExecSync", { container_id: id, cmd, timeout: timeoutSeconds });
  }
  async exec(id: string, cmd: string[], opts: { tty: boolean; stdin: boolean; stdout: boolean; stderr: boolean }) {
    return (await this.rt<{ url: string }>("Exec", { container_id: id, cmd, ...opts })).url;
  }
  async imageStatus(image: string) {
    const res = await this.call<{ image: Image | null }>("ImageService", "ImageStatus", { image: { image } });
    return res.image ?? undefined;
  }
  async pullImage(image: string) {
    return (await this.call<{ image_ref: string }>("ImageService", "PullImage", { image: { image } })).image_ref;
  }
  async listImages() {
    return (await this.call<{ images: Image[] }>("ImageService", "ListImages", {})).images;
  }
  close() {
    this.client.close();
  }
}
