import { RemoteRuntime, type KubeletHandle, type RuntimePlugin, type RuntimeService } from "../../../../core/kubelet/index.js";
import type { ContainerdRuntimeArgs } from "../../../../schemas/generated/plugins/kubelet/containerd.args.js";

/** Connects to the configured CRI socket and checks it speaks CRI v1 before the kubelet uses it. */
export class ContainerdRuntime implements RuntimePlugin {
  constructor(
    private readonly args: ContainerdRuntimeArgs,
    private readonly handle: KubeletHandle,
  ) {}

  async connect(): Promise<RuntimeService> {
    const endpoint = this.args.endpoint ?? "unix:///run/containerd/containerd.sock";
    const client = new RemoteRuntime(endpoint, (this.args.requestTimeoutSeconds ?? 120) * 1000);
    try {
      const v = await client.version();
      if (v.runtime_api_version !== "v1") throw new Error(`speaks CRI ${v.runtime_api_version || "(unknown)"}, not v1`);
      this.handle.logger.info({ endpoint, runtime: `${v.runtime_name} ${v.runtime_version}` }, "connected to the container runtime");
      return client;
    } catch (err) {
      client.close();
      throw new Error(`container runtime at ${endpoint}: ${(err as Error).message}`);
    }
  }
}
