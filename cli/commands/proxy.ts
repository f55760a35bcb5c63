import { resolve } from "node:path";
import up, { type UpOptions } from "./up.js";

export interface ProxyOptions extends UpOptions {
  kubeconfig?: string;
}

/** `kitbash proxy`: the profile's service proxy alone, against the API server a kubeconfig names (or the one of the data dir). */
export default function proxy(opts: ProxyOptions): Promise<number> {
  const set = [...(opts.set ?? [])];
  // Asking for the proxy by name runs it whether or not the profile enables it.
  set.push("components.proxy.enabled=true");
  if (opts.kubeconfig) set.push(`components.proxy.settings.kubeconfig=${JSON.stringify(resolve(opts.kubeconfig))}`);
  const { kubeconfig: _, ...rest } = opts;
  return up({ ...rest, set, only: ["proxy"] });
}
