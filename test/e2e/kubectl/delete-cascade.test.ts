import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { stringify } from "yaml";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hasKubectl, startCluster, type Cluster } from "../../support/cluster.js";
import { partAvailable } from "../../support/parts.js";

/**
 * `kubectl delete --cascade` against the garbage collector: an owner ConfigMap with dependents
 * (a ConfigMap and a Secret) made by the test, and what is left after each propagation policy.
 */
describe.skipIf(!partAvailable("kubectl", hasKubectl(), "the machine image (kubectl v1.32 on PATH)"))("kubectl delete --cascade", () => {
  let c: Cluster;
  const data = mkdtempSync(join(tmpdir(), "kitbash-cascade-"));
  const ns = "cascade";

  beforeAll(async () => {
    c = await startCluster(data, ["--profile", "control-plane"]);
    expect((await c.kubectl(["create", "namespace", ns])).code).toBe(0);
  });
  afterAll(async () => {
    await c?.stop();
    rmSync(data, { recursive: true, force: true });
  });

  const k = async (...args: string[]) => {
    const r = await c.kubectl(["-n", ns, ...args]);
    if (r.code !== 0) throw new Error(`kubectl ${args.join(" ")} failed: ${r.stderr}`);
    return r.stdout;
  };
  const names = async (kind: string) => (await k("get", kind, "-o", "jsonpath={.items[*].metadata.name}")).split(" ").filter(Boolean);
  const until = async (what: string, check: () => Promise<boolean>) => {
    const end = Date.now() + 20_000;
    while (!(await check())) {
      if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  };

  /** An owner ConfigMap and two dependents referring to it; `hold` puts a finalizer on the dependents. */
  async function ownerWithDependents(owner: string, opts: { block?: boolean; hold?: boolean } = {}) {
    await k("create", "configmap", owner, "--from-literal=role=owner");
    const uid = await k("get", "configmap", owner, "-o", "jsonpath={.metadata.uid}");
    const meta = (name: string) => ({
      name,
      ownerReferences: [{ apiVersion: "v1", kind: "ConfigMap", name: owner, uid, ...(opts.block ? { blockOwnerDeletion: true } : {}) }],
      ...(opts.hold ? { finalizers: ["example.com/hold"] } : {}),
    });
    const docs = [
      { apiVersion: "v1", kind: "ConfigMap", metadata: meta(`${owner}-config`), data: { a: "b" } },
      { apiVersion: "v1", kind: "Secret", metadata: meta(`${owner}-secret`), stringData: { a: "b" } },
    ];
    const r = await c.kubectl(["-n", ns, "create", "-f", "-"], { input: docs.map((d) => stringify(d)).join("---\n") });
    expect(r.code, r.stderr).toBe(0);
  }

  it("`kubectl delete --cascade=background` removes the owner at once and its dependents after it", async () => {
    await ownerWithDependents("bg");
    expect(await k("delete", "configmap", "bg", "--cascade=background")).toContain('configmap "bg" deleted');
    expect(await names("configmap")).not.toContain("bg");
    await until("dependents gone", async () => !(await names("configmap")).includes("bg-config") && !(await names("secret")).includes("bg-secret"));
  });

  it("`kubectl delete --cascade=foreground` keeps the owner, marked for deletion, until its blocking dependents are gone", async () => {
    await ownerWithDependents("fg", { block: true, hold: true });
    await k("delete", "configmap", "fg", "--cascade=foreground", "--wait=false");
    // The dependents are deleted, but their finalizer keeps them, and so the owner waits.
    await until("dependents marked", async () => (await k("get", "configmap", "fg-config", "-o", "jsonpath={.metadata.deletionTimestamp}")) !== "");
    await new Promise((r) => setTimeout(r, 500));
    expect(await k("get", "configmap", "fg", "-o", "jsonpath={.metadata.finalizers}")).toContain("foregroundDeletion");
    expect(await k("get", "configmap", "fg", "-o", "jsonpath={.metadata.deletionTimestamp}")).not.toBe("");
    await k("patch", "configmap", "fg-config", "--type=merge", "-p", '{"metadata":{"finalizers":null}}');
    await k("patch", "secret", "fg-secret", "--type=merge", "-p", '{"metadata":{"finalizers":null}}');
    await k("wait", "--for=delete", "configmap/fg", "--timeout=20s");
    expect(await names("configmap")).not.toContain("fg-config");
    expect(await names("secret")).not.toContain("fg-secret");
  });

  it("`kubectl delete --cascade=orphan` removes the owner and keeps its dependents, without their owner reference", async () => {
    await ownerWithDependents("orph");
    await k("delete", "configmap", "orph", "--cascade=orphan");
    expect(await names("configmap")).not.toContain("orph");
    expect(await names("configmap")).toContain("orph-config");
    expect(await names("secret")).toContain("orph-secret");
    expect(await k("get", "configmap", "orph-config", "-o", "jsonpath={.metadata.ownerReferences}")).toBe("");
    expect(await k("get", "secret", "orph-secret", "-o", "jsonpath={.metadata.ownerReferences}")).toBe("");
  });
});
