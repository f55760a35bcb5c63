import type { Probe, ProbeContext, ProbePlugin, ProbeResult } from "../../../../core/kubelet/index.js";

export class ExecProbe implements ProbePlugin {
  supports(probe: Probe): boolean {
    return probe.exec !== undefined;
  }

  async probe(ctx: ProbeContext): Promise<ProbeResult> {
    const r = await ctx.runtime.execSync(ctx.containerId, ctx.probe.exec?.command ?? [], ctx.timeoutSeconds);
    const output = Buffer.concat([r.stdout, r.stderr]).toString("utf8").slice(0, 10 * 1024);
    return { result: r.exit_code === 0 ? "success" : "failure", output };
  }
}
