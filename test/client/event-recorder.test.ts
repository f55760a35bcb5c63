import { describe, expect, it } from "vitest";
import { EventSink } from "../../core/client/event-recorder.js";
import { KubeClient } from "../../core/client/rest-client.js";
import type { Transport, TransportRequest, TransportResponse } from "../../core/client/transport.js";
import { FakeClock } from "../support/fake-clock.js";

/** Answers every write with its body plus a resourceVersion, and records method, path and body. */
class RecordingTransport implements Transport {
  readonly calls: { method: string; path: string; body: any }[] = [];
  async request(req: TransportRequest): Promise<TransportResponse> {
    const body = req.body ? JSON.parse(String(req.body)) : undefined;
    this.calls.push({ method: req.method, path: req.path, body });
    const answer = req.method === "PATCH" ? { metadata: { name: req.path.split("/").pop(), namespace: "default" }, ...body } : body;
    return { status: 200, headers: {}, body: Buffer.from(JSON.stringify(answer)) };
  }
  async stream(): Promise<never> {
    throw new Error("no watches here");
  }
  close(): void {}
}

const cm = { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "c", namespace: "default", uid: "u1" } };

describe("EventSink", () => {
  it("creates the first occurrence, writes the first repeat at once as series count 2, batches later repeats", async () => {
    const clock = new FakeClock();
    const t = new RecordingTransport();
    const sink = new EventSink({ client: new KubeClient(t), reportingController: "x", reportingInstance: "x-1", clock, seriesFlushMs: 30_000 });
    const rec = sink.recorderFor("x");
    rec.event(cm, "Normal", "Synced", "Sync", "done");
    await sink.flush();
    expect(t.calls.map((c) => c.method)).toEqual(["POST"]);
    expect(t.calls[0]!.path).toBe("/apis/events.k8s.io/v1/namespaces/default/events");
    expect(t.calls[0]!.body).toMatchObject({ reason: "Synced", action: "Sync", type: "Normal", note: "done", regarding: { kind: "ConfigMap", name: "c", uid: "u1" }, reportingController: "x" });
    expect(t.calls[0]!.body.metadata.name).toMatch(/^c\.[0-9a-f]+$/);

    rec.event(cm, "Normal", "Synced", "Sync", "done");
    await Promise.resolve();
    await new Promise((r) => setTimeout(r, 0));
    expect(t.calls.map((c) => c.method)).toEqual(["POST", "PATCH"]);
    expect(t.calls[1]!.body.series.count).toBe(2);

    rec.event(cm, "Normal", "Synced", "Sync", "done");
    rec.event(cm, "Normal", "Synced", "Sync", "done");
    await new Promise((r) => setTimeout(r, 0));
    expect(t.calls).toHaveLength(2);
    clock.advance(30_000);
    await sink.flush();
    expect(t.calls.map((c) => c.method)).toEqual(["POST", "PATCH", "PATCH"]);
    expect(t.calls[2]!.body.series.count).toBe(4);
    await sink.stop();
  });

  it("drops an object's events past the spam filter's burst, allowing one more per refill period", async () => {
    const clock = new FakeClock();
    const t = new RecordingTransport();
    const sink = new EventSink({ client: new KubeClient(t), reportingController: "x", reportingInstance: "x-1", clock });
    const rec = sink.recorderFor("x");
    for (let i = 0; i < 30; i++) rec.event(cm, "Normal", "SuccessfulCreate", "Create", `Created pod: p-${i}`);
    await sink.flush();
    expect(t.calls).toHaveLength(25);
    // Another object has its own allowance.
    rec.event({ ...cm, metadata: { ...cm.metadata, name: "d", uid: "u2" } }, "Normal", "SuccessfulCreate", "Create", "Created pod: q");
    await sink.flush();
    expect(t.calls).toHaveLength(26);
    clock.advance(300_000);
    rec.event(cm, "Normal", "SuccessfulCreate", "Create", "Created pod: p-30");
    rec.event(cm, "Normal", "SuccessfulCreate", "Create", "Created pod: p-31");
    await sink.flush();
    expect(t.calls.map((c) => c.body.note).slice(26)).toEqual(["Created pod: p-30"]);
    await sink.stop();
  });

  it("a different note, type or object is a new event; the same one after the window starts a new series", async () => {
    const clock = new FakeClock();
    const t = new RecordingTransport();
    const sink = new EventSink({ client: new KubeClient(t), reportingController: "x", reportingInstance: "x-1", clock, seriesWindowMs: 60_000 });
    const rec = sink.recorderFor("x");
    rec.event(cm, "Normal", "R", "A", "one");
    rec.event(cm, "Normal", "R", "A", "two");
    rec.event(cm, "Warning", "R", "A", "one");
    rec.event({ ...cm, metadata: { ...cm.metadata, uid: "u2" } }, "Normal", "R", "A", "one");
    clock.advance(60_000);
    rec.event(cm, "Normal", "R", "A", "one");
    await sink.flush();
    expect(t.calls.map((c) => c.method)).toEqual(["POST", "POST", "POST", "POST", "POST"]);
    // Cluster-scoped objects' events go to the default namespace, as upstream's.
    rec.event({ apiVersion: "v1", kind: "Node", metadata: { name: "n1", uid: "n" } }, "Normal", "R", "A", "x");
    await sink.flush();
    expect(t.calls.at(-1)!.path).toBe("/apis/events.k8s.io/v1/namespaces/default/events");
    await sink.stop();
  });
});
