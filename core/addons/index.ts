export { Addons } from "./points.js";
export type { AddOn } from "./add-on.js";
export type { AddonsHandle } from "./handle.js";
