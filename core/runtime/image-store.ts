import { createHash } from "node:crypto";
import { createReadStream, existsSync, mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { isDigest, normalizeImageRef } from "./image-ref.js";

/** One image the store holds: its id is the digest of its config, as containerd and Docker name it. */
export interface StoredImage {
  id: string;
  repoTags: string[];
  repoDigests: string[];
  /** Layer blobs, bottom first (tar, possibly gzip-compressed). */
  layers: string[];
  /** The parts of the image config a container starts from. */
  config: ImageConfig;
  size: number;
}

export interface ImageConfig {
  Entrypoint?: string[] | null;
  Cmd?: string[] | null;
  Env?: string[] | null;
  WorkingDir?: string;
  User?: string;
}

/**
 * A content-addressed image store in a folder: `blobs/sha256/<hex>` and `images.json`. Writers
 * (`kitbash images import`) replace `images.json` atomically; the runtime reads it again when
 * it changed, so an import is seen without a restart.
 */
export class ImageStore {
  private images: StoredImage[] = [];
  private loadedAt = -1;

  constructor(readonly dir: string) {
    mkdirSync(join(dir, "blobs", "sha256"), { recursive: true });
  }

  blobPath(digest: string): string {
    if (!isDigest(digest)) throw new Error(`not a sha256 digest: ${digest}`);
    return join(this.dir, "blobs", "sha256", digest.slice("sha256:".length));
  }

  hasBlob(digest: string): boolean {
    return existsSync(this.blobPath(digest));
  }

  /** Stores bytes under their digest (verified when `expected` is given). */
  putBlob(data: Buffer, expected?: string): string {
    const digest = "sha256:" + createHash("sha256").update(data).digest("hex");
    if (expected && expected !== digest) throw new Error(`blob digest mismatch: expected ${expected}, got ${digest}`);
    const path = this.blobPath(digest);
    if (!existsSync(path)) {
      writeFileSync(path + ".tmp", data);
      renameSync(path + ".tmp", path);
    }
    return digest;
  }

  /** Moves a file into the store under its digest (computed by streaming it). */
  async putBlobFile(file: string, expected?: string): Promise<string> {
    const hash = createHash("sha256");
    for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
    const digest = "sha256:" + hash.digest("hex");
    if (expected && expected !== digest) throw new Error(`blob digest mismatch: expected ${expected}, got ${digest}`);
    const path = this.blobPath(digest);
    if (existsSync(path)) rmSync(file);
    else renameSync(file, path);
    return digest;
  }

  list(): StoredImage[] {
    this.reload();
    return [...this.images];
  }

  /** By id, by digest reference, or by (normalized) tag. */
  resolve(ref: string): StoredImage | undefined {
    this.reload();
    if (isDigest(ref)) return this.images.find((i) => i.id === ref);
    const name = normalizeImageRef(ref);
    return this.images.find((i) => i.repoTags.includes(name) || i.repoDigests.includes(name));
  }

  /** Adds an image, moving its tags away from any image that had them. */
  add(image: StoredImage): void {
    this.reload();
    const tags = new Set(image.repoTags);
    const others = this.images.filter((i) => i.id !== image.id).map((i) => ({ ...i, repoTags: i.repoTags.filter((t) => !tags.has(t)) }));
    const existing = this.images.find((i) => i.id === image.id);
    const merged = existing ? { ...image, repoTags: [...new Set([...existing.repoTags, ...image.repoTags])], repoDigests: [...new Set([...existing.repoDigests, ...image.repoDigests])] } : image;
    this.save([...others, merged]);
  }

  remove(id: string): boolean {
    this.reload();
    const left = this.images.filter((i) => i.id !== id);
    if (left.length === this.images.length) return false;
    this.save(left);
    return true;
  }

  private save(images: StoredImage[]): void {
    const file = join(this.dir, "images.json");
    writeFileSync(file + ".tmp", JSON.stringify(images, null, 2));
    renameSync(file + ".tmp", file);
    this.images = images;
    this.loadedAt = statSync(file).mtimeMs;
  }

  private reload(): void {
    const file = join(this.dir, "images.json");
    if (!existsSync(file)) return;
    const mtime = statSync(file).mtimeMs;
    if (mtime === this.loadedAt) return;
    this.images = JSON.parse(readFileSync(file, "utf8")) as StoredImage[];
    this.loadedAt = mtime;
  }
}
