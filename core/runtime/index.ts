/**
 * The embedded container runtime's public face for plugins and the CLI: its `network` point
 * and the contract network plugins serve, and the image store `kitbash images` manages.
 */
export { Runtime } from "./points.js";
export type { PodNetwork, SandboxNetworkRequest } from "./network.js";
export { ImageStore, type StoredImage } from "./image-store.js";
export { importArchive } from "./image-archive.js";
export { normalizeImageRef } from "./image-ref.js";
export { imageStoreDir } from "./server.js";
