import { resolve } from "node:path";
import up, { type UpOptions } from "./up.js";

export interface NodeOptions extends UpOptions {
  kubeconfig?: string;
}

/** `kitbash node`: the profile's node agents alone, against the API server a kubeconfig names (or the one of the data dir). */
export default function node(opts: NodeOptions): Promise<number> {
  const set = [...(opts.set ?? [])];
  if (opts.kubeconfig) set.push(`components.node.settings.kubeconfig=${JSON.stringify(resolve(opts.kubeconfig))}`);
  return up({ ...opts, set, only: ["node"] });
}
