import { request as httpRequest } from "node:http";
import { request as httpsRequest } from "node:https";
import { resolvePort, type Probe, type ProbeContext, type ProbePlugin, type ProbeResult } from "../../../../core/kubelet/index.js";

export class HttpGetProbe implements ProbePlugin {
  supports(probe: Probe): boolean {
    return probe.httpGet !== undefined;
  }

  probe(ctx: ProbeContext): Promise<ProbeResult> {
    const h = ctx.probe.httpGet!;
    const https = h.scheme === "HTTPS";
    const headers: Record<string, string> = { "User-Agent": "kube-probe/1.32", Accept: "*/*" };
    for (const x of h.httpHeaders ?? []) headers[x.name] = x.value;
    const options = {
      host: h.host || ctx.podIP,
      port: resolvePort(h.port, ctx.container),
      path: h.path || "/",
      method: "GET",
      headers,
      timeout: ctx.timeoutSeconds * 1000,
      // Upstream's HTTPS probes do not verify the certificate.
      rejectUnauthorized: false,
    };
    return new Promise((resolve) => {
      const req = (https ? httpsRequest : httpRequest)(options, (res) => {
        res.resume();
        const code = res.statusCode ?? 0;
        resolve({ result: code >= 200 && code < 400 ? "success" : "failure", output: `HTTP probe failed with statuscode: ${code}` });
      });
      req.on("timeout", () => req.destroy(new Error("timeout")));
      req.on("error", (err) => resolve({ result: "failure", output: err.message }));
      req.end();
    });
  }
}
