import { resolve } from "node:path";
import { ImageStore, importArchive, imageStoreDir } from "../../core/runtime/index.js";
import { Exit } from "../exit-codes.js";
import { loadProfile, type ProfileOptions } from "../load-profile.js";

export interface ImagesOptions extends ProfileOptions {
  action?: "import" | "list";
  file?: string;
}

/** `kitbash images import FILE` and `kitbash images list`: the embedded runtime's store, with or without the runtime running. */
export default async function images(opts: ImagesOptions): Promise<number> {
  const { resolved } = await loadProfile(opts, "warn");
  const plan = resolved.plan;
  const root = resolve(plan.dataDir, String((plan.components.runtime?.settings as { root?: string } | undefined)?.root ?? "runtime"));
  const store = new ImageStore(imageStoreDir(root));
  if (opts.action === "list") {
    const rows = store.list().map((i) => [i.repoTags.join(",") || "<none>", i.id.slice(7, 19), humanSize(i.size)]);
    const widths = [0, 1, 2].map((c) => Math.max(["IMAGE", "ID", "SIZE"][c]!.length, ...rows.map((r) => r[c]!.length)));
    for (const r of [["IMAGE", "ID", "SIZE"], ...rows]) process.stdout.write(r.map((cell, c) => cell.padEnd(widths[c]!)).join("   ").trimEnd() + "\n");
    return Exit.ok;
  }
  try {
    for (const image of await importArchive(store, resolve(opts.file!))) {
      process.stdout.write(`imported ${image.repoTags.join(", ") || "an untagged image"} (${image.id})\n`);
    }
    return Exit.ok;
  } catch (err) {
    process.stderr.write(`error: ${(err as Error).message}\n`);
    return Exit.runtime;
  }
}

function humanSize(bytes: number): string {
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KiB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}
