import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { HttpGetProbe } from "../../../plugins/kubelet/probes/http-get/http-get-probe.js";
import { TcpSocketProbe } from "../../../plugins/kubelet/probes/tcp-socket/tcp-socket-probe.js";
import { ExecProbe } from "../../../plugins/kubelet/probes/exec/exec-probe.js";
import type { ProbeContext, RuntimeService } from "../../../core/kubelet/index.js";

let server: Server;
let port: number;
const seen: Record<string, string | undefined>[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    seen.push({ path: req.url, agent: req.headers["user-agent"], custom: req.headers["x-check"] as string | undefined });
    res.statusCode = req.url === "/ok" ? 200 : req.url === "/moved" ? 302 : 500;
    res.end();
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
  port = (server.address() as AddressInfo).port;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

function ctx(probe: ProbeContext["probe"], runtime?: Partial<RuntimeService>): ProbeContext {
  return {
    pod: { apiVersion: "v1", kind: "Pod", metadata: { name: "p" }, spec: { containers: [] } },
    container: { name: "c", ports: [{ name: "web", containerPort: port }] },
    containerId: "cid",
    probe,
    podIP: "127.0.0.1",
    timeoutSeconds: 1,
    runtime: runtime as RuntimeService,
  };
}

describe("httpGet probe", () => {
  it.each([
    ["/ok", "success"],
    ["/moved", "success"],
    ["/fail", "failure"],
  ])("GET %s is %s", async (path, result) => {
    expect((await new HttpGetProbe().probe(ctx({ httpGet: { path, port } }))).result).toBe(result);
  });

  it("resolves a named port and sends kube-probe's User-Agent and the probe's headers", async () => {
    seen.length = 0;
    await new HttpGetProbe().probe(ctx({ httpGet: { path: "/ok", port: "web", httpHeaders: [{ name: "X-Check", value: "1" }] } }));
    expect(seen[0]).toMatchObject({ path: "/ok", custom: "1" });
    expect(seen[0]!.agent).toMatch(/^kube-probe\//);
  });

  it("fails on a refused connection", async () => {
    expect((await new HttpGetProbe().probe(ctx({ httpGet: { path: "/", port: 1 } }))).result).toBe("failure");
  });
});

describe("tcpSocket probe", () => {
  it("succeeds on an open port and fails on a closed one", async () => {
    expect((await new TcpSocketProbe().probe(ctx({ tcpSocket: { port } }))).result).toBe("success");
    expect((await new TcpSocketProbe().probe(ctx({ tcpSocket: { port: 1 } }))).result).toBe("failure");
  });
});

describe("exec probe", () => {
  it("is success only with exit status 0, with the command's output", async () => {
    const runtime = (code: number): Partial<RuntimeService> => ({ execSync: async () => ({ stdout: Buffer.from("out"), stderr: Buffer.from("err"), exit_code: code }) });
    expect(await new ExecProbe().probe(ctx({ exec: { command: ["true"] } }, runtime(0)))).toEqual({ result: "success", output: "outerr" });
    expect((await new ExecProbe().probe(ctx({ exec: { command: ["false"] } }, runtime(1)))).result).toBe("failure");
  });
});
