import { createServer, type Server } from "node:http";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { AddressInfo } from "node:net";
import { afterAll, describe, expect, it } from "vitest";
import { LogSink } from "../../../plugins/apiserver/audit/audit-log/log-sink.js";
import { WebhookSink } from "../../../plugins/apiserver/audit/audit-webhook/webhook-sink.js";
import type { AuditEvent } from "../../../core/apiserver/chains.js";
import { fakeApiServerHandle } from "../../support/fake-handle.js";

const event = (auditID: string): AuditEvent => ({
  kind: "Event",
  apiVersion: "audit.k8s.io/v1",
  level: "Metadata",
  auditID,
  stage: "ResponseComplete",
  requestURI: "/api/v1/pods",
  verb: "list",
  user: { username: "u", groups: [] },
  sourceIPs: ["127.0.0.1"],
  requestReceivedTimestamp: "2026-01-01T00:00:00.000000Z",
  stageTimestamp: "2026-01-01T00:00:00.000000Z",
});

describe("audit sinks", () => {
  const dir = mkdtempSync(join(tmpdir(), "kitbash-audit-"));
  let server: Server | undefined;
  afterAll(() => {
    server?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("audit-log appends one JSON event a line, relative to the data dir, and flushes at stop", async () => {
    const sink = new LogSink({ path: "logs/audit.log", maxBatchSize: 2, maxBatchWaitMs: 10_000, bufferSize: 100 }, fakeApiServerHandle(dir));
    for (const id of ["a", "b", "c"]) sink.write(event(id));
    await sink.stop();
    const lines = readFileSync(join(dir, "logs", "audit.log"), "utf8").trim().split("\n");
    expect(lines.map((l) => JSON.parse(l).auditID)).toEqual(["a", "b", "c"]);
  });

  it("audit-webhook POSTs EventList batches and retries a failed one", async () => {
    const received: any[] = [];
    let failures = 1;
    server = createServer((req, res) => {
      let body = "";
      req.on("data", (d) => (body += d));
      req.on("end", () => {
        if (failures-- > 0) return res.writeHead(503).end();
        received.push(JSON.parse(body));
        res.writeHead(200).end();
      });
    });
    await new Promise<void>((r) => server!.listen(0, "127.0.0.1", r));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/audit`;
    const sink = new WebhookSink({ url, maxBatchSize: 10, maxBatchWaitMs: 10, bufferSize: 100, timeoutSeconds: 5, retries: 2 }, fakeApiServerHandle(dir));
    sink.write(event("x"));
    sink.write(event("y"));
    await sink.stop();
    expect(received).toHaveLength(1);
    expect(received[0]).toMatchObject({ kind: "EventList", apiVersion: "audit.k8s.io/v1" });
    expect(received[0].items.map((e: AuditEvent) => e.auditID)).toEqual(["x", "y"]);
  });
});
