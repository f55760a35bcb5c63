import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { join } from "node:path";
import * as tar from "tar";
import { normalizeImageRef } from "./image-ref.js";
import type { ImageConfig, ImageStore, StoredImage } from "./image-store.js";

interface Descriptor {
  mediaType?: string;
  digest: string;
  size?: number;
  annotations?: Record<string, string>;
  platform?: { os?: string; architecture?: string };
}

const INDEX_TYPES = new Set(["application/vnd.oci.image.index.v1+json", "application/vnd.docker.distribution.manifest.list.v2+json"]);
const GOARCH: Record<string, string> = { x64: "amd64", arm64: "arm64", arm: "arm", ppc64: "ppc64le", s390x: "s390x" };

/**
 * Imports an OCI image layout or a `docker save` archive (tar, gzip or not) into the store, as
 * `ctr images import` does: every image the archive names, for this machine's platform. Gives
 * what was imported; an archive that is neither format is refused naming what it lacks.
 */
export async function importArchive(store: ImageStore, file: string): Promise<StoredImage[]> {
  if (!existsSync(file)) throw new Error(`${file}: no such file`);
  const tmp = join(store.dir, `import-${randomBytes(6).toString("hex")}`);
  mkdirSync(tmp, { recursive: true });
  try {
    await tar.x({ file, cwd: tmp, strict: true, preserveOwner: false }).catch((err: Error) => {
      throw new Error(`${file}: not a readable tar archive (${err.message})`);
    });
    if (existsSync(join(tmp, "index.json")) && existsSync(join(tmp, "oci-layout"))) return await importOci(store, tmp, file);
    if (existsSync(join(tmp, "manifest.json"))) return await importDocker(store, tmp, file);
    throw new Error(`${file}: neither an OCI image layout (oci-layout and index.json) nor a docker save archive (manifest.json)`);
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

async function importOci(store: ImageStore, dir: string, file: string): Promise<StoredImage[]> {
  const blob = (d: Descriptor) => join(dir, "blobs", ...d.digest.split(":"));
  const readJson = <T>(d: Descriptor): T => {
    const p = blob(d);
    if (!existsSync(p)) throw new Error(`${file}: blob ${d.digest} is named but missing`);
    return JSON.parse(readFileSync(p, "utf8")) as T;
  };
  const index = JSON.parse(readFileSync(join(dir, "index.json"), "utf8")) as { manifests?: Descriptor[] };
  const out: StoredImage[] = [];
  for (const top of index.manifests ?? []) {
    let desc = top;
    if (INDEX_TYPES.has(desc.mediaType ?? "")) {
      const nested = readJson<{ manifests?: Descriptor[] }>(desc).manifests ?? [];
      const arch = GOARCH[process.arch] ?? process.arch;
      const mine = nested.find((m) => (m.platform?.os ?? "linux") === "linux" && m.platform?.architecture === arch);
      if (!mine) throw new Error(`${file}: no image for linux/${arch} in ${desc.digest}`);
      desc = mine;
    }
    const manifest = readJson<{ config: Descriptor; layers: Descriptor[] }>(desc);
    const name = top.annotations?.["io.containerd.image.name"] ?? top.annotations?.["org.opencontainers.image.ref.name"];
    const tags = name && (name.includes("/") || name.includes(":")) ? [normalizeImageRef(name)] : [];
    out.push(await store_(store, file, blob(manifest.config), manifest.config.digest, manifest.layers.map((l) => ({ path: blob(l), digest: l.digest })), tags));
  }
  if (!out.length) throw new Error(`${file}: the OCI index names no image`);
  return out;
}

async function importDocker(store: ImageStore, dir: string, file: string): Promise<StoredImage[]> {
  const entries = JSON.parse(readFileSync(join(dir, "manifest.json"), "utf8")) as { Config: string; RepoTags?: string[] | null; Layers: string[] }[];
  const out: StoredImage[] = [];
  for (const e of entries) {
    out.push(await store_(store, file, join(dir, e.Config), undefined, e.Layers.map((l) => ({ path: join(dir, l) })), (e.RepoTags ?? []).map(normalizeImageRef)));
  }
  return out;
}

async function store_(store: ImageStore, file: string, configPath: string, configDigest: string | undefined, layers: { path: string; digest?: string }[], tags: string[]): Promise<StoredImage> {
  // Images of one archive share blobs: one already moved into the store is not missing.
  const stored = (digest: string | undefined) => (digest && store.hasBlob(digest) ? store.blobPath(digest) : undefined);
  const configFile = stored(configDigest) ?? configPath;
  if (!existsSync(configFile)) throw new Error(`${file}: the image config ${configPath.slice(configPath.lastIndexOf("/") + 1)} is missing`);
  const config = (JSON.parse(readFileSync(configFile, "utf8")) as { config?: ImageConfig }).config ?? {};
  let size = statSync(configFile).size;
  const id = configFile === configPath ? await store.putBlobFile(configPath, configDigest) : configDigest!;
  const layerDigests: string[] = [];
  for (const l of layers) {
    const already = stored(l.digest);
    if (!already && !existsSync(l.path)) throw new Error(`${file}: layer ${l.digest ?? l.path} is missing`);
    size += statSync(already ?? l.path).size;
    layerDigests.push(already ? l.digest! : await store.putBlobFile(l.path, l.digest));
  }
  const image: StoredImage = { id, repoTags: tags, repoDigests: [], layers: layerDigests, config, size };
  store.add(image);
  return image;
}
