import { Kernel } from "../../core/kernel/kernel.js";
import { createRootMetrics } from "../../core/kernel/metrics.js";
import { stopOnSignals } from "../../core/kernel/lifecycle.js";
import { reportError } from "../errors.js";
import { Exit } from "../exit-codes.js";
import { loadProfile, type ProfileOptions } from "../load-profile.js";

export interface UpOptions extends ProfileOptions {
  port?: string;
  only?: string[];
}

/** Starts the profile's components in this process and runs until SIGINT/SIGTERM. */
export default async function up(opts: UpOptions): Promise<number> {
  let kernel: Kernel | undefined;
  try {
    const set = [...(opts.set ?? [])];
    if (opts.port !== undefined) set.push(`components.apiserver.settings.port=${opts.port}`);
    const { resolved, registry, logger } = await loadProfile({ ...opts, set }, "info");
    const plan = resolved.plan;
    const names = Object.values(plan.components).filter((c) => c.enabled && (!opts.only || opts.only.includes(c.name)));
    if (!names.length) {
      process.stderr.write(`error: profile ${plan.profile} enables no component to start\n`);
      return Exit.usage;
    }
    process.stderr.write(`kitbash: profile ${plan.profile}, data in ${plan.dataDir}\n`);
    kernel = new Kernel({ registry, plan, logger, metrics: createRootMetrics(), ...(opts.only ? { only: opts.only } : {}) });
    const order = kernel.order().map((d) => d.name);
    process.stderr.write(`kitbash: starting ${order.join(", ")}\n`);
    const started = Date.now();
    await kernel.start();
    process.stderr.write(`kitbash: ready in ${Date.now() - started} ms\n`);
    for (const c of kernel.components.values()) {
      const banner = (c.instance as { banner?: () => string[] }).banner?.();
      for (const line of banner ?? []) process.stdout.write(line + "\n");
    }
    const k = kernel;
    return await new Promise<number>((resolve) => {
      stopOnSignals(k.lifecycle, logger, (code) => resolve(code));
    });
  } catch (err) {
    await kernel?.stop().catch(() => undefined);
    return reportError(err);
  }
}
