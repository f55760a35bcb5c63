import { resolve } from "node:path";
import { RemoteRuntime, type KubeletHandle, type RuntimePlugin, type RuntimeService } from "../../../../core/kubelet/index.js";
import type { ProcessRuntimeArgs } from "../../../../schemas/generated/plugins/kubelet/process.args.js";

/**
 * The kubelet's side of Kitbash's embedded runtime: the same CRI client as for containerd,
 * dialling the socket the `runtime` component serves (in this process under `kitbash up`, or
 * as `kitbash runtime` so that a kubelet restart leaves containers running).
 */
export class ProcessRuntime implements RuntimePlugin {
  constructor(
    private readonly args: Required<ProcessRuntimeArgs>,
    private readonly handle: KubeletHandle,
  ) {}

  async connect(): Promise<RuntimeService> {
    const socket = resolve(this.handle.dataDir, this.args.socket);
    const until = Date.now() + this.args.waitSeconds * 1000;
    let last = "";
    for (;;) {
      const client = new RemoteRuntime(`unix://${socket}`, 120_000);
      try {
        const v = await client.version();
        this.handle.logger.info({ socket, runtime: `${v.runtime_name} ${v.runtime_version}` }, "connected to the embedded runtime");
        return client;
      } catch (err) {
        client.close();
        last = (err as Error).message;
      }
      if (Date.now() > until) throw new Error(`the embedded runtime at ${socket} did not answer in ${this.args.waitSeconds} s (${last}); enable the runtime component or run kitbash runtime`);
      await new Promise((r) => setTimeout(r, 200));
    }
  }
}
