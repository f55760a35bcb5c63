/** The node component's public entry: what node agent plugins build on. */
export { Node } from "./points.js";
export type { NodeAgent } from "./node-agent.js";
export type { NodeHandle } from "./handle.js";
export { parseDuration } from "../api/durations.js";
