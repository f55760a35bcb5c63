import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { KubeClient, Resources, SharedInformerFactory } from "../../core/client/index.js";
import { startCluster, type Cluster } from "../support/cluster.js";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { until } from "../support/until.js";

const ACCEPT = "application/json;as=PartialObjectMetadata;g=meta.k8s.io;v=v1,application/json";
const LIST_ACCEPT = "application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1,application/json";

describe("PartialObjectMetadata (client-go's metadata client)", () => {
  let c: Cluster;
  const dir = mkdtempSync(join(tmpdir(), "kitbash-pom-"));
  beforeAll(async () => {
    c = await startCluster(dir, ["--set", "components.controller-manager.enabled=false"]);
    const cm = { metadata: { name: "m1", labels: { app: "x" } }, data: { big: "x".repeat(1000) } };
    expect((await c.api("POST", "/api/v1/namespaces/default/configmaps", JSON.stringify(cm))).status).toBe(201);
  }, 60_000);
  afterAll(async () => {
    await c?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it("answers get, list and watch with metadata only", async () => {
    const got = JSON.parse((await c.api("GET", "/api/v1/namespaces/default/configmaps/m1", undefined, { Accept: ACCEPT })).body);
    expect(got).toMatchObject({ kind: "PartialObjectMetadata", apiVersion: "meta.k8s.io/v1", metadata: { name: "m1", namespace: "default", labels: { app: "x" } } });
    expect(got.data).toBeUndefined();

    const list = JSON.parse((await c.api("GET", "/api/v1/namespaces/default/configmaps?labelSelector=app%3Dx", undefined, { Accept: LIST_ACCEPT })).body);
    expect(list.kind).toBe("PartialObjectMetadataList");
    expect(list.metadata.resourceVersion).toMatch(/^\d+$/);
    expect(list.items).toEqual([{ kind: "PartialObjectMetadata", apiVersion: "meta.k8s.io/v1", metadata: expect.objectContaining({ name: "m1" }) }]);

    const watch = await c.api("GET", `/api/v1/namespaces/default/configmaps?watch=1&resourceVersion=0&timeoutSeconds=1`, undefined, { Accept: ACCEPT });
    const events = watch.body.trim().split("\n").map((l) => JSON.parse(l));
    expect(events[0]).toMatchObject({ type: "ADDED", object: { kind: "PartialObjectMetadata", metadata: { name: "m1" } } });
    expect(events[0].object.data).toBeUndefined();

    // A client that does not ask gets whole objects, as before.
    expect(JSON.parse((await c.api("GET", "/api/v1/namespaces/default/configmaps/m1")).body).data.big).toHaveLength(1000);
  });

  it("feeds the client's metadata informers: objects without their data, kept current by the watch", async () => {
    const client = await KubeClient.fromKubeconfig(c.kubeconfig);
    const factory = new SharedInformerFactory(client);
    const abort = new AbortController();
    try {
      const informer = factory.metadataInformerFor(Resources.configMaps, { namespace: "default" });
      factory.start(abort.signal);
      expect(await informer.waitForSync()).toBe(true);
      const m1 = informer.store.getBy("default", "m1") as { kind?: string; metadata: { labels?: Record<string, string> }; data?: unknown };
      expect([m1.kind, m1.metadata.labels, m1.data]).toEqual(["PartialObjectMetadata", { app: "x" }, undefined]);
      expect((await c.api("POST", "/api/v1/namespaces/default/configmaps", JSON.stringify({ metadata: { name: "m2" }, data: { k: "v" } }))).status).toBe(201);
      await until("m2 in the metadata informer", () => informer.store.getBy("default", "m2"));
      expect((informer.store.getBy("default", "m2") as { data?: unknown }).data).toBeUndefined();
    } finally {
      abort.abort();
      await factory.stop();
      client.close();
    }
  });
});
