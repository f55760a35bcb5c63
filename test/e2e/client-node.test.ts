import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as k8s from "@kubernetes/client-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startCluster, type Cluster } from "../support/cluster.js";

describe("@kubernetes/client-node against Kitbash", () => {
  let c: Cluster;
  let kc: k8s.KubeConfig;
  const dir = mkdtempSync(join(tmpdir(), "kitbash-client-node-"));
  beforeAll(async () => {
    c = await startCluster(dir, ["--profile", "control-plane"]);
    kc = new k8s.KubeConfig();
    kc.loadFromFile(c.kubeconfig);
  });
  afterAll(async () => {
    await c?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it("creates and patches with the typed API", async () => {
    const core = kc.makeApiClient(k8s.CoreV1Api);
    const made = await core.createNamespacedConfigMap({ namespace: "default", body: { metadata: { name: "typed" }, data: { a: "1" } } });
    expect(made.metadata?.uid).toBeDefined();
    const patched = await core.patchNamespacedConfigMap(
      { name: "typed", namespace: "default", body: { data: { b: "2" } } },
      k8s.setHeaderOptions("Content-Type", k8s.PatchStrategy.MergePatch),
    );
    expect(patched.data).toEqual({ a: "1", b: "2" });
    const read = await core.readNamespacedConfigMap({ name: "typed", namespace: "default" });
    expect(read.metadata?.resourceVersion).toBe(patched.metadata?.resourceVersion);
  });

  it("runs an Informer that sees add, update and delete", async () => {
    const core = kc.makeApiClient(k8s.CoreV1Api);
    const seen: string[] = [];
    const informer = k8s.makeInformer(kc, "/api/v1/namespaces/default/configmaps", () => core.listNamespacedConfigMap({ namespace: "default" }));
    informer.on("add", (o: k8s.V1ConfigMap) => o.metadata?.name === "inf" && seen.push(`add:${o.data?.v}`));
    informer.on("update", (o: k8s.V1ConfigMap) => o.metadata?.name === "inf" && seen.push(`update:${o.data?.v}`));
    informer.on("delete", (o: k8s.V1ConfigMap) => o.metadata?.name === "inf" && seen.push("delete"));
    await informer.start();
    try {
      await core.createNamespacedConfigMap({ namespace: "default", body: { metadata: { name: "inf" }, data: { v: "1" } } });
      await core.replaceNamespacedConfigMap({ name: "inf", namespace: "default", body: { metadata: { name: "inf" }, data: { v: "2" } } });
      await core.deleteNamespacedConfigMap({ name: "inf", namespace: "default" });
      const deadline = Date.now() + 5000;
      while (seen.length < 3 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      expect(seen).toEqual(["add:1", "update:2", "delete"]);
      expect(informer.list("default").some((o) => o.metadata?.name === "inf")).toBe(false);
    } finally {
      await informer.stop();
    }
  });
});
