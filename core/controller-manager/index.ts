/** The controller manager's public entry: what controller plugins build on. */
export { ControllerManager } from "./points.js";
export type { Controller } from "./controller.js";
export type { ControllerManagerHandle } from "./handle.js";
export { parseDuration } from "./durations.js";
export * from "./controller-utils.js";
export { fnv32a, revisionHash, safeEncodeString } from "./revision-hash.js";
