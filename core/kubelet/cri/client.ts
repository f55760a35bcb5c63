import * as grpc from "@grpc/grpc-js";
import * as protoLoader from "@grpc/proto-loader";
import { existsSync } from "node:fs";
import { dirname, join, sep } from "node:path";
import { fileURLToPath } from "node:url";
import type { RuntimeService } from "./runtime-service.js";
import type { Container, ContainerConfig, ContainerState, ContainerStatus, Image, Labels, PodSandbox, PodSandboxConfig, PodSandboxState, PodSandboxStatus } from "./types.js";

/** Our .proto; tsc does not copy it to dist/, so from there the source folder holds it. */
function protoPath(): string {
  const here = dirname(fileURLToPath(import.meta.url));
  const i = here.lastIndexOf(`${sep}dist${sep}`);
  const dir = existsSync(join(here, "api.proto")) || i < 0 ? here : here.slice(0, i) + here.slice(i + "/dist".length);
  return join(dir, "api.proto");
}

let pkg: grpc.GrpcObject | undefined;
function runtimePackage(): grpc.GrpcObject {
  if (!pkg) {
    const def = protoLoader.loadSync(protoPath(), { keepCase: true, longs: Number, enums: String, defaults: true, oneofs: true });
    pkg = (grpc.loadPackageDefinition(def).runtime as grpc.GrpcObject).v1 as grpc.GrpcObject;
  }
  return pkg;
}

type Unary = (req: unknown, meta: grpc.Metadata, opts: grpc.CallOptions, cb: (err: grpc.ServiceError | null, res: never) => void) => void;

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

/** A CRI v1 client over a unix socket (or any gRPC address). */
export class CriClient implements RuntimeService {
  private readonly runtime: grpc.Client;
  private readonly images: grpc.Client;

  constructor(
    readonly endpoint: string,
    private readonly timeoutMs = 120_000,
  ) {
    const address = endpoint.startsWith("unix:") || !endpoint.startsWith("/") ? endpoint : `unix://${endpoint}`;
    const v1 = runtimePackage();
    const creds = grpc.credentials.createInsecure();
    const options = { "grpc.max_receive_message_length": 16 * 1024 * 1024 };
    this.runtime = new (v1.RuntimeService as grpc.ServiceClientConstructor)(address, creds, options);
    this.images = new (v1.ImageService as grpc.ServiceClientConstructor)(address, creds, options);
  }

  private call<T>(client: grpc.Client, method: string, req: unknown): Promise<T> {
    const fn = (client as unknown as Record<string, Unary>)[method]!.bind(client);
    return new Promise((resolve, reject) => {
      fn(req, new grpc.Metadata(), { deadline: Date.now() + this.timeoutMs }, (err, res) => {
        if (err) reject(new CriError(method, err.code, err.details || err.message));
        else resolve(res as T);
      });
    });
  }

  private rt<T>(method: string, req: unknown = {}): Promise<T> {
    return this.call<T>(this.runtime, method, req);
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
    const res = await this.call<{ image: Image | null }>(this.images, "ImageStatus", { image: { image } });
    return res.image ?? undefined;
  }
  async pullImage(image: string) {
    return (await this.call<{ image_ref: string }>(this.images, "PullImage", { image: { image } })).image_ref;
  }
  async listImages() {
    return (await this.call<{ images: Image[] }>(this.images, "ListImages", {})).images;
  }
  close() {
    this.runtime.close();
    this.images.close();
  }
}
