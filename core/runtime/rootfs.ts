import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync } from "node:fs";
import { basename, dirname, join, normalize } from "node:path";
import * as tar from "tar";
import type { ImageStore, StoredImage } from "./image-store.js";

const WHITEOUT = ".wh.";
const OPAQUE = ".wh..wh..opq";

/**
 * Applies an image's layers, bottom first, into `dest`, honouring the OCI layer whiteouts:
 * `.wh.<name>` removes `<name>` of the layers below, `.wh..wh..opq` empties its folder of them.
 * Ownership is kept when running as root, as a container runtime must.
 */
export async function unpackImage(store: ImageStore, image: StoredImage, dest: string): Promise<void> {
  mkdirSync(dest, { recursive: true });
  const asRoot = process.getuid?.() === 0;
  for (const layer of image.layers) {
    const file = store.blobPath(layer);
    const removals: string[] = [];
    const opaque: string[] = [];
    await tar.t({
      file,
      onReadEntry: (e) => {
        const p = normalize(e.path).replace(/^(\.\/|\/)+/, "");
        const name = basename(p);
        if (name === OPAQUE) opaque.push(dirname(p));
        else if (name.startsWith(WHITEOUT)) removals.push(join(dirname(p), name.slice(WHITEOUT.length)));
      },
    });
    for (const r of removals) rmSync(inside(dest, r), { recursive: true, force: true });
    for (const d of opaque) {
      const dir = inside(dest, d);
      if (existsSync(dir)) for (const child of readdirSync(dir)) rmSync(join(dir, child), { recursive: true, force: true });
    }
    await tar.x({ file, cwd: dest, preserveOwner: asRoot, filter: (p) => !basename(p).startsWith(WHITEOUT) });
  }
}

/** A path of the layer inside the root, refusing `..` that would leave it. */
function inside(root: string, rel: string): string {
  const p = normalize(join(root, rel));
  if (p !== root && !p.startsWith(root + "/")) throw new Error(`layer path ${rel} leaves the root filesystem`);
  return p;
}

/**
 * A container's own root filesystem: the image unpacked once per image into `cacheDir`, then
 * copied (`cp -a`, keeping owners, modes and links) so containers never write into each other.
 */
export async function containerRootfs(store: ImageStore, image: StoredImage, cacheDir: string, dest: string): Promise<void> {
  const cached = join(cacheDir, image.id.replace(":", "-"));
  if (!existsSync(cached)) {
    const tmp = `${cached}.tmp-${process.pid}`;
    rmSync(tmp, { recursive: true, force: true });
    await unpackImage(store, image, tmp);
    renameSync(tmp, cached);
  }
  mkdirSync(dirname(dest), { recursive: true });
  const cp = spawnSync("cp", ["-a", cached, dest], { encoding: "utf8" });
  if (cp.status !== 0) throw new Error(`copying the root filesystem of ${image.id} failed: ${cp.stderr.trim() || `cp exited ${cp.status}`}`);
}
