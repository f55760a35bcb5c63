import { connect } from "node:net";
import { resolvePort, type Probe, type ProbeContext, type ProbePlugin, type ProbeResult } from "../../../../core/kubelet/index.js";

export class TcpSocketProbe implements ProbePlugin {
  supports(probe: Probe): boolean {
    return probe.tcpSocket !== undefined;
  }

  probe(ctx: ProbeContext): Promise<ProbeResult> {
    const t = ctx.probe.tcpSocket!;
    return new Promise((resolve) => {
      const socket = connect({ host: t.host || ctx.podIP, port: resolvePort(t.port, ctx.container), timeout: ctx.timeoutSeconds * 1000 });
      socket.once("connect", () => {
        socket.destroy();
        resolve({ result: "success" });
      });
      socket.once("timeout", () => {
        socket.destroy();
        resolve({ result: "failure", output: "timeout" });
      });
      socket.once("error", (err) => resolve({ result: "failure", output: err.message }));
    });
  }
}
