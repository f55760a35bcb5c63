import { resolve } from "node:path";
import up, { type UpOptions } from "./up.js";

export interface ControllerManagerOptions extends UpOptions {
  kubeconfig?: string;
  controllers?: string;
}

/**
 * `kitbash controller-manager`: the profile's controller manager alone, against the API server a
 * kubeconfig names (or the one of the data dir). `--controllers` reads as upstream's flag.
 */
export default function controllerManager(opts: ControllerManagerOptions): Promise<number> {
  const set = [...(opts.set ?? [])];
  // JSON, so that the value reads as one string or list whatever it holds (`*` is YAML's alias sign).
  if (opts.kubeconfig) set.push(`components.controller-manager.settings.kubeconfig=${JSON.stringify(resolve(opts.kubeconfig))}`);
  if (opts.controllers !== undefined) {
    const list = opts.controllers.split(",").map((s) => s.trim()).filter(Boolean);
    set.push(`components.controller-manager.settings.controllers=${JSON.stringify(list)}`);
  }
  return up({ ...opts, set, only: ["controller-manager"] });
}
