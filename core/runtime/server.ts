import { existsSync, mkdirSync, readFileSync, rmSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import * as grpc from "@grpc/grpc-js";
import { criServices } from "../cri/index.js";
import type { Component, ComponentContext } from "../kernel/component.js";
import { packageRoot } from "../kernel/package-root.js";
import type { RuntimeSettings } from "../../schemas/generated/components/runtime.settings.js";
import { handlers } from "./cri-errors.js";
import { imageService } from "./image-service.js";
import { ImageStore } from "./image-store.js";
import { canIsolate } from "./launcher.js";
import { Runtime } from "./points.js";
import { EmbeddedRuntime } from "./runtime-service.js";
import { RuntimeState } from "./state.js";
import { StreamingServer } from "./streaming-server.js";

/** Where the runtime keeps its images, relative to its root: `kitbash images` reads the same folder. */
export function imageStoreDir(root: string): string {
  return join(root, "images");
}

/** The embedded runtime: a CRI server on a unix socket over the local image store and process launcher. */
export class RuntimeMain implements Component {
  private server: grpc.Server | undefined;
  private runtime: EmbeddedRuntime | undefined;
  private streaming: StreamingServer | undefined;
  readonly socket: string;
  private readonly root: string;

  constructor(private readonly ctx: ComponentContext<Required<RuntimeSettings>>) {
    this.socket = resolve(ctx.dataDir, ctx.settings.socket);
    this.root = resolve(ctx.dataDir, ctx.settings.root);
  }

  banner(): string[] {
    return [`container runtime (CRI): unix://${this.socket}${canIsolate() ? "" : " (not root: containers run as plain processes)"}`];
  }

  async start(): Promise<void> {
    const { logger } = this.ctx;
    if (!canIsolate()) {
      logger.warn("not running as root: containers run as plain processes without their own mount, PID, UTS, IPC or network namespaces, root filesystem or hostname");
    }
    const state = new RuntimeState(join(this.root, "state"));
    this.streaming = new StreamingServer();
    await this.streaming.listen();
    this.runtime = new EmbeddedRuntime({
      state,
      images: new ImageStore(imageStoreDir(this.root)),
      network: this.ctx.single(Runtime.network),
      rootfsCache: join(this.root, "rootfs-cache"),
      podsDir: join(this.root, "pods"),
      streaming: this.streaming,
      version: (JSON.parse(readFileSync(join(packageRoot(), "package.json"), "utf8")) as { version: string }).version,
      logger,
    });
    const { RuntimeService, ImageService } = criServices();
    const server = new grpc.Server();
    server.addService(RuntimeService.service, handlers(this.runtime.handlers()));
    server.addService(ImageService.service, handlers(imageService(new ImageStore(imageStoreDir(this.root)))));
    mkdirSync(dirname(this.socket), { recursive: true });
    if (existsSync(this.socket)) rmSync(this.socket);
    await new Promise<void>((ok, fail) => server.bindAsync(`unix://${this.socket}`, grpc.ServerCredentials.createInsecure(), (err) => (err ? fail(err) : ok())));
    this.server = server;
    logger.info({ socket: this.socket, root: this.root, isolated: canIsolate() }, "container runtime serving CRI");
  }

  async stop(): Promise<void> {
    await this.runtime?.shutdown();
    await this.streaming?.close();
    await new Promise<void>((ok) => (this.server ? this.server.tryShutdown(() => ok()) : ok()));
    if (existsSync(this.socket)) rmSync(this.socket);
  }
}
