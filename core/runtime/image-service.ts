import type { Image } from "../cri/index.js";
import * as grpc from "@grpc/grpc-js";
import { CriError } from "./cri-errors.js";
import type { ImageStore, StoredImage } from "./image-store.js";

/** CRI ImageService over the local store. Nothing is pulled from a registry: images are imported. */
export function imageService(store: ImageStore): Record<string, (req: any) => Promise<object>> {
  return {
    ListImages: async (req: { filter?: { image?: { image?: string } } | null }) => {
      const want = req.filter?.image?.image;
      const images = want ? [store.resolve(want)].filter((i): i is StoredImage => !!i) : store.list();
      return { images: images.map(toCri) };
    },
    // An absent image is an empty answer, not an error (the kubelet then pulls).
    ImageStatus: async (req: { image?: { image?: string } }) => {
      const found = store.resolve(req.image?.image ?? "");
      return { image: found ? toCri(found) : null, info: {} };
    },
    PullImage: async (req: { image?: { image?: string } }) => {
      const ref = req.image?.image ?? "";
      const found = store.resolve(ref);
      if (!found) throw new CriError(grpc.status.NOT_FOUND, `image "${ref}" is not in the local image store and this runtime pulls from no registry: import it with "kitbash images import FILE"`);
      return { image_ref: found.id };
    },
    RemoveImage: async (req: { image?: { image?: string } }) => {
      const found = store.resolve(req.image?.image ?? "");
      if (found) store.remove(found.id);
      return {};
    },
    ImageFsInfo: async () => {
      const used = store.list().reduce((n, i) => n + i.size, 0);
      return { image_filesystems: [{ timestamp: Date.now() * 1e6, fs_id: { mountpoint: store.dir }, used_bytes: { value: used }, inodes_used: { value: 0 } }] };
    },
  };
}

function toCri(i: StoredImage): Image {
  return { id: i.id, repo_tags: i.repoTags, repo_digests: i.repoDigests, size: i.size, uid: uidOf(i.config.User), username: userName(i.config.User), spec: { image: i.id, annotations: {} }, pinned: false };
}

function uidOf(user: string | undefined): { value: number } | null {
  const u = (user ?? "").split(":")[0] ?? "";
  return /^\d+$/.test(u) ? { value: Number(u) } : null;
}

function userName(user: string | undefined): string {
  const u = (user ?? "").split(":")[0] ?? "";
  return /^\d+$/.test(u) ? "" : u;
}
