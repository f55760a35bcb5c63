import { isNotFound, Resources, type KubeObject } from "../../../../core/client/index.js";
import { filesSignature, projectKeys, writeAtomically, type MountedVolume, type Volume, type VolumeContext, type VolumePlugin } from "../../../../core/kubelet/index.js";

type Secret = KubeObject & { data?: Record<string, string> };

export class SecretVolume implements VolumePlugin {
  supports(volume: Volume): boolean {
    return volume.secret !== undefined;
  }

  async setUp(ctx: VolumeContext): Promise<MountedVolume> {
    const src = ctx.volume.secret!;
    const secret = await ctx.client
      .resource<Secret>(Resources.secrets, ctx.pod.metadata.namespace)
      .get(src.secretName)
      .catch((err) => {
        if (isNotFound(err) && src.optional) return undefined;
        if (isNotFound(err)) throw new Error(`secret "${src.secretName}" not found`);
        throw err;
      });
    const data: Record<string, Buffer> = {};
    for (const [k, v] of Object.entries(secret?.data ?? {})) data[k] = Buffer.from(v, "base64");
    const files = projectKeys(data, src.items, src.defaultMode ?? 0o644, `secret ${src.secretName}`, src.optional ?? false);
    await writeAtomically(ctx.dir, files, filesSignature(files));
    return { hostPath: ctx.dir, readOnly: true };
  }
}
