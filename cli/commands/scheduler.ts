import { resolve } from "node:path";
import up, { type UpOptions } from "./up.js";

export interface SchedulerOptions extends UpOptions {
  kubeconfig?: string;
}

/** `kitbash scheduler`: the profile's scheduler alone, against the API server a kubeconfig names (or the one of the data dir). */
export default function scheduler(opts: SchedulerOptions): Promise<number> {
  const set = [...(opts.set ?? [])];
  if (opts.kubeconfig) set.push(`components.scheduler.settings.kubeconfig=${JSON.stringify(resolve(opts.kubeconfig))}`);
  // `--port` here is the scheduler's own listener, not the API server's.
  const { port, ...rest } = opts;
  if (port !== undefined) set.push(`components.scheduler.settings.port=${JSON.stringify(Number(port))}`);
  return up({ ...rest, set, only: ["scheduler"] });
}
