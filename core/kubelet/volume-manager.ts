import { mkdir, rm } from "node:fs/promises";
import { join } from "node:path";
import type { KubeClient } from "../client/index.js";
import type { Container, Pod } from "./api-types.js";
import type { Mount } from "./cri/types.js";
import type { MountedVolume, VolumePlugin } from "./plugin-api.js";

/** A volume no plugin can prepare yet; the pod waits in ContainerCreating with this message. */
export class VolumeError extends Error {}

/** Prepares a pod's volumes with the `volumes` plugins, under `<root>/pods/<uid>/volumes/<name>`. */
export class VolumeManager {
  constructor(
    private readonly plugins: readonly VolumePlugin[],
    private readonly rootDir: string,
    private readonly client: KubeClient,
  ) {}

  podDir(uid: string): string {
    return join(this.rootDir, "pods", uid);
  }

  /** Sets up (or refreshes) every volume of the pod; answers each volume's mount by name. */
  async setUp(pod: Pod): Promise<Map<string, MountedVolume>> {
    const mounted = new Map<string, MountedVolume>();
    for (const volume of pod.spec.volumes ?? []) {
      const plugin = this.plugins.find((p) => p.supports(volume));
      if (!plugin) {
        const kind = Object.keys(volume).find((k) => k !== "name") ?? "unknown";
        throw new VolumeError(`volume "${volume.name}": no volume plugin serves ${kind} volumes`);
      }
      const dir = join(this.podDir(pod.metadata.uid!), "volumes", volume.name);
      await mkdir(dir, { recursive: true });
      try {
        mounted.set(volume.name, await plugin.setUp({ pod, volume, dir, client: this.client }));
      } catch (err) {
        throw new VolumeError(`MountVolume.SetUp failed for volume "${volume.name}": ${(err as Error).message}`);
      }
    }
    return mounted;
  }

  /** Lets each volume's plugin release it, then removes the pod's folder. */
  async tearDown(pod: Pod): Promise<void> {
    for (const volume of pod.spec.volumes ?? []) {
      const plugin = this.plugins.find((p) => p.supports(volume));
      const dir = join(this.podDir(pod.metadata.uid!), "volumes", volume.name);
      await plugin?.tearDown?.({ pod, volume, dir, client: this.client }).catch(() => undefined);
    }
    await this.removePodDir(pod.metadata.uid!);
  }

  /** Removes what is left of a pod whose spec is no longer known (deleted while the kubelet was away). */
  async removePodDir(uid: string): Promise<void> {
    await rm(this.podDir(uid), { recursive: true, force: true });
  }

  /** The container's mounts, from its volumeMounts and the prepared volumes. */
  static mountsFor(c: Container, volumes: Map<string, MountedVolume>): Mount[] {
    return (c.volumeMounts ?? []).map((m) => {
      const v = volumes.get(m.name);
      if (!v) throw new VolumeError(`volumeMount "${m.name}" of container ${c.name} names no volume of the pod`);
      return { container_path: m.mountPath, host_path: m.subPath ? join(v.hostPath, m.subPath) : v.hostPath, readonly: m.readOnly ?? v.readOnly };
    });
  }
}
