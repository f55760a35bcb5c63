import { execFile } from "node:child_process";
import { promisify } from "node:util";
import type { MountedVolume, Volume, VolumeContext, VolumePlugin } from "../../../../core/kubelet/index.js";

const run = promisify(execFile);

export class EmptyDirVolume implements VolumePlugin {
  supports(volume: Volume): boolean {
    return volume.emptyDir !== undefined;
  }

  async setUp(ctx: VolumeContext): Promise<MountedVolume> {
    if (ctx.volume.emptyDir?.medium === "Memory") {
      const { stdout } = await run("findmnt", ["-n", "-o", "FSTYPE", ctx.dir]).catch(() => ({ stdout: "" }));
      if (stdout.trim() !== "tmpfs") {
        const size = ctx.volume.emptyDir.sizeLimit ? ["-o", `size=${ctx.volume.emptyDir.sizeLimit.replace(/i$/, "")}`] : [];
        await run("mount", ["-t", "tmpfs", ...size, "tmpfs", ctx.dir]).catch((err: Error) => {
          throw new Error(`emptyDir medium Memory needs a tmpfs mount (root): ${err.message}`);
        });
      }
    }
    return { hostPath: ctx.dir, readOnly: false };
  }

  async tearDown(ctx: VolumeContext): Promise<void> {
    if (ctx.volume.emptyDir?.medium === "Memory") await run("umount", [ctx.dir]).catch(() => undefined);
  }
}
