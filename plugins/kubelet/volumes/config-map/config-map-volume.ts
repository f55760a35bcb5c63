import { isNotFound, Resources, type KubeObject } from "../../../../core/client/index.js";
import { filesSignature, projectKeys, writeAtomically, type MountedVolume, type Volume, type VolumeContext, type VolumePlugin } from "../../../../core/kubelet/index.js";

type ConfigMap = KubeObject & { data?: Record<string, string>; binaryData?: Record<string, string> };

export class ConfigMapVolume implements VolumePlugin {
  supports(volume: Volume): boolean {
    return volume.configMap !== undefined;
  }

  async setUp(ctx: VolumeContext): Promise<MountedVolume> {
    const src = ctx.volume.configMap!;
    const cm = await ctx.client
      .resource<ConfigMap>(Resources.configMaps, ctx.pod.metadata.namespace)
      .get(src.name)
      .catch((err) => {
        if (isNotFound(err) && src.optional) return undefined;
        if (isNotFound(err)) throw new Error(`configmap "${src.name}" not found`);
        throw err;
      });
    const data: Record<string, Buffer> = {};
    for (const [k, v] of Object.entries(cm?.data ?? {})) data[k] = Buffer.from(v, "utf8");
    for (const [k, v] of Object.entries(cm?.binaryData ?? {})) data[k] = Buffer.from(v, "base64");
    const files = projectKeys(data, src.items, src.defaultMode ?? 0o644, `configmap ${src.name}`, src.optional ?? false);
    await writeAtomically(ctx.dir, files, filesSignature(files));
    return { hostPath: ctx.dir, readOnly: true };
  }
}
