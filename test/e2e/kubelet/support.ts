import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { KubeClient } from "../../../core/client/index.js";
import { silentLogger } from "../../../core/kernel/logging.js";
import { RemoteRuntime } from "../../../core/kubelet/cri/client.js";
import { KubeletMain, type KubeletOptions } from "../../../core/kubelet/kubelet.js";
import type { ProbePlugin, VolumePlugin } from "../../../core/kubelet/plugin-api.js";
import { Kubelet } from "../../../core/kubelet/points.js";
import { builtinPlugins } from "../../../plugins/builtins.js";

/** Every built-in plugin of a kubelet point, built with default args. */
async function pluginsOf<T>(pointId: string): Promise<T[]> {
  const manifests = builtinPlugins.filter((m) => m.serves.some((p) => p.id === pointId));
  return Promise.all(manifests.map(async (m) => (await m.create({} as never, { logger: silentLogger() } as never)) as T));
}

/** A kubelet in the test's process, against a cluster's API server and a private containerd. */
export async function startKubelet(
  kubeconfig: string,
  socket: string,
  dir: string,
  opts: Partial<KubeletOptions> = {},
): Promise<{ kubelet: KubeletMain; client: KubeClient; stop(): Promise<void> }> {
  const client = await KubeClient.fromKubeconfig(kubeconfig);
  const runtime = new RemoteRuntime(socket);
  const rootDir = join(dir, "kubelet");
  const podLogsDir = join(dir, "pod-logs");
  mkdirSync(rootDir, { recursive: true });
  mkdirSync(podLogsDir, { recursive: true });
  const [volumes, probes] = await Promise.all([pluginsOf<VolumePlugin>(Kubelet.volumes.id), pluginsOf<ProbePlugin>(Kubelet.probes.id)]);
  const kubelet = new KubeletMain({
    nodeName: "node-1",
    client,
    runtime,
    volumes,
    probes,
    resyncMs: 1000,
    rootDir,
    podLogsDir,
    logger: silentLogger(),
    ...opts,
  });
  await kubelet.start();
  return {
    kubelet,
    client,
    async stop() {
      await kubelet.stop();
      runtime.close();
      client.close();
    },
  };
}
