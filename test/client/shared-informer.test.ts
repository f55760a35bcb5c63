import { describe, expect, it } from "vitest";
import { KubeClient } from "../../core/client/rest-client.js";
import { Resources } from "../../core/client/resources.js";
import { SharedInformer } from "../../core/client/shared-informer.js";
import type { Transport, TransportRequest, TransportResponse, TransportStream } from "../../core/client/transport.js";

type Scripted = { list?: unknown; watch?: unknown[]; hang?: boolean };

/** A transport answering scripted lists and watches in order, and recording what was asked. */
class ScriptedTransport implements Transport {
  readonly asked: string[] = [];
  constructor(private readonly script: Scripted[]) {}

  async request(req: TransportRequest): Promise<TransportResponse> {
    this.asked.push(req.path);
    const next = this.script.shift();
    if (!next?.list) throw new Error(`unexpected request ${req.path}`);
    return { status: 200, headers: {}, body: Buffer.from(JSON.stringify(next.list)) };
  }

  async stream(req: TransportRequest): Promise<TransportStream> {
    this.asked.push(req.path);
    const next = this.script.shift();
    if (!next?.watch) throw new Error(`unexpected watch ${req.path}`);
    const lines = next.watch.map((e) => Buffer.from(JSON.stringify(e) + "\n"));
    const signal = req.signal;
    async function* body() {
      yield* lines;
      if (next!.hang && !signal?.aborted) await new Promise<void>((resolve) => signal?.addEventListener("abort", () => resolve(), { once: true }));
    }
    return { status: 200, headers: {}, body: body() };
  }

  close(): void {}
}

const cm = (name: string, rv: string) => ({ apiVersion: "v1", kind: "ConfigMap", metadata: { name, namespace: "ns", resourceVersion: rv } });
const list = (rv: string, ...items: unknown[]) => ({ kind: "ConfigMapList", metadata: { resourceVersion: rv }, items });
const gone = { type: "ERROR", object: { kind: "Status", apiVersion: "v1", status: "Failure", code: 410, reason: "Expired", message: "too old resource version" } };

describe("SharedInformer", () => {
  it("resumes a closed watch from the last resourceVersion (bookmarks count), and relists on 410 reporting deletions missed", async () => {
    const transport = new ScriptedTransport([
      { list: list("10", cm("a", "5"), cm("b", "6")) },
      { watch: [{ type: "MODIFIED", object: cm("a", "11") }, { type: "BOOKMARK", object: { kind: "ConfigMap", metadata: { resourceVersion: "15" } } }] },
      { watch: [gone] },
      { list: list("20", cm("a", "11"), cm("c", "19")) },
      { watch: [], hang: true },
    ]);
    const informer = new SharedInformer(new KubeClient(transport).resource(Resources.configMaps));
    const seen: string[] = [];
    informer.addEventHandler({
      onAdd: (o, initial) => seen.push(`add ${o.metadata.name}${initial ? " initial" : ""}`),
      onUpdate: (a, b) => seen.push(`update ${a.metadata.name} ${a.metadata.resourceVersion}->${b.metadata.resourceVersion}`),
      onDelete: (o, unknown) => seen.push(`delete ${o.metadata.name}${unknown ? " inferred" : ""}`),
    });
    const ac = new AbortController();
    informer.start(ac.signal);
    for (let i = 0; i < 100 && transport.asked.length < 5; i++) await new Promise((r) => setTimeout(r, 5));
    expect(informer.lastSyncResourceVersion()).toBe("20");
    ac.abort();
    await informer.stop();

    expect(seen).toEqual(["add a initial", "add b initial", "update a 5->11", "add c", "delete b inferred"]);
    const watches = transport.asked.filter((p) => p.includes("watch=true"));
    expect(watches.map((p) => new URL(p, "https://x").searchParams.get("resourceVersion"))).toEqual(["10", "15", "20"]);
    expect(watches.every((p) => p.includes("allowWatchBookmarks=true"))).toBe(true);
    expect(informer.store.keys().sort()).toEqual(["ns/a", "ns/c"]);
  });

  it("replays known objects to a handler added after sync", async () => {
    const transport = new ScriptedTransport([{ list: list("3", cm("x", "2")) }, { watch: [], hang: true }]);
    const informer = new SharedInformer(new KubeClient(transport).resource(Resources.configMaps));
    const ac = new AbortController();
    informer.start(ac.signal);
    expect(await informer.waitForSync(ac.signal)).toBe(true);
    const late: string[] = [];
    informer.addEventHandler({ onAdd: (o, initial) => late.push(`${o.metadata.name} ${initial}`) });
    expect(late).toEqual(["x true"]);
    ac.abort();
    await informer.stop();
  });
});
