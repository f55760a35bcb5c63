import { mkdir, readdir, readFile, readlink, rename, rm, symlink, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";

/**
 * Writes a volume's files as upstream's AtomicWriter does, so a running container sees a whole
 * new set at once: the files go into a fresh `..<timestamp>` folder, `..data` is swapped to it by
 * a rename, and each visible name is a symlink through `..data`. Nothing changes when the content
 * is the same.
 */
export async function writeAtomically(dir: string, files: Map<string, { data: Buffer; mode: number }>, signature: string): Promise<boolean> {
  const current = await readlink(join(dir, "..data")).catch(() => undefined);
  const sigFile = current ? join(dir, current, "..signature") : undefined;
  if (sigFile && (await readFile(sigFile, "utf8").catch(() => "")) === signature) return false;
  const stamp = `..${new Date().toISOString().replace(/[:.]/g, "_")}.${process.hrtime.bigint()}`;
  const target = join(dir, stamp);
  await mkdir(target, { recursive: true });
  for (const [path, f] of files) {
    await mkdir(dirname(join(target, path)), { recursive: true });
    await writeFile(join(target, path), f.data, { mode: f.mode });
  }
  await writeFile(join(target, "..signature"), signature);
  await rm(join(dir, "..data_tmp"), { force: true });
  await symlink(stamp, join(dir, "..data_tmp"));
  await rename(join(dir, "..data_tmp"), join(dir, "..data"));
  const top = new Set([...files.keys()].map((p) => p.split("/")[0]!));
  for (const name of top) {
    await rm(join(dir, name), { force: true, recursive: false }).catch(() => undefined);
    await symlink(join("..data", name), join(dir, name)).catch(() => undefined);
  }
  for (const entry of await readdir(dir)) {
    if (entry.startsWith("..") ? entry !== "..data" && entry !== stamp : !top.has(entry)) await rm(join(dir, entry), { recursive: true, force: true });
  }
  return true;
}
