import { mkdir, stat, writeFile } from "node:fs/promises";
import type { MountedVolume, Volume, VolumeContext, VolumePlugin } from "../../../../core/kubelet/index.js";

export class HostPathVolume implements VolumePlugin {
  supports(volume: Volume): boolean {
    return volume.hostPath !== undefined;
  }

  async setUp(ctx: VolumeContext): Promise<MountedVolume> {
    const { path, type = "" } = ctx.volume.hostPath!;
    const st = await stat(path).catch(() => undefined);
    switch (type) {
      case "DirectoryOrCreate":
        if (!st) await mkdir(path, { recursive: true, mode: 0o755 });
        else if (!st.isDirectory()) throw new Error(`hostPath type check failed: ${path} is not a directory`);
        break;
      case "FileOrCreate":
        if (!st) await writeFile(path, "", { mode: 0o644 });
        else if (!st.isFile()) throw new Error(`hostPath type check failed: ${path} is not a file`);
        break;
      case "Directory":
        if (!st?.isDirectory()) throw new Error(`hostPath type check failed: ${path} is not a directory`);
        break;
      case "File":
        if (!st?.isFile()) throw new Error(`hostPath type check failed: ${path} is not a file`);
        break;
      case "Socket":
        if (!st?.isSocket()) throw new Error(`hostPath type check failed: ${path} is not a socket file`);
        break;
      case "CharDevice":
        if (!st?.isCharacterDevice()) throw new Error(`hostPath type check failed: ${path} is not a character device`);
        break;
      case "BlockDevice":
        if (!st?.isBlockDevice()) throw new Error(`hostPath type check failed: ${path} is not a block device`);
        break;
      default:
        break;
    }
    return { hostPath: path, readOnly: false };
  }
}
