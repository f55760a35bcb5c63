/**
 * The Container Runtime Interface v1: the .proto (written from cri-api's field numbers and
 * names), its loader, a client over a unix socket, and the decoded message shapes. The kubelet
 * speaks it to every runtime; Kitbash's embedded runtime serves it.
 */
export { CriClient } from "./client.js";
export { criServices, LOADER_OPTIONS } from "./load.js";
export type * from "./types.js";
