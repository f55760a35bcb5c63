import { describe, expect, it } from "vitest";
import { Resources, type KubeObject } from "../../../core/client/index.js";
import { NamespaceController } from "../../../plugins/controller-manager/controllers/namespace/namespace-controller.js";
import { FakeApi } from "../../support/fake-api.js";
import { fakeControllerHandle } from "../../support/fake-controller-handle.js";

async function until(what: string, check: () => boolean) {
  for (let i = 0; i < 400; i++) {
    if (check()) return;
    await new Promise((r) => setTimeout(r, 5));
  }
  throw new Error(`timed out waiting for ${what}`);
}

describe("namespace controller (fake API)", () => {
  it("deletes the content of every discovered namespaced resource, waits for finalizers, then finalizes", async () => {
    const api = new FakeApi([Resources.namespaces, Resources.configMaps, Resources.deployments]);
    const h = fakeControllerHandle({ api });
    api.seed("/api/v1/namespaces", { apiVersion: "v1", kind: "Namespace", metadata: { name: "x" }, spec: { finalizers: ["kubernetes"] } } as KubeObject);
    api.seed("/api/v1/namespaces/x/configmaps", { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "a" } }, { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "held", finalizers: ["example.com/hold"] } });
    api.seed("/apis/apps/v1/namespaces/x/deployments", { apiVersion: "apps/v1", kind: "Deployment", metadata: { name: "d" } });
    api.seed("/api/v1/namespaces/other/configmaps", { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "untouched" } });

    const controller = new NamespaceController({ concurrentNamespaceSyncs: 2, namespaceSyncPeriod: "5m", retryRemainingAfter: "20ms" }, h);
    const ac = new AbortController();
    const run = controller.run(ac.signal);
    h.informers.start(ac.signal);
    await h.client.resource(Resources.namespaces).delete("x");

    await until("content deleted", () => !api.peek("/api/v1/namespaces/x/configmaps/a") && !api.peek("/apis/apps/v1/namespaces/x/deployments/d"));
    const ns = () => api.peek("/api/v1/namespaces/x") as (KubeObject & { status?: { phase?: string; conditions?: { type: string; status: string }[] } }) | undefined;
    await until("conditions written", () => !!ns()?.status?.conditions?.length);
    expect(ns()?.status?.phase).toBe("Terminating");
    expect(ns()?.status?.conditions?.find((c) => c.type === "NamespaceFinalizersRemaining")?.status).toBe("True");
    expect(api.requests).not.toContain("PUT /api/v1/namespaces/x/finalize");

    await h.client.resource(Resources.configMaps, "x").patch("held", "merge", { metadata: { finalizers: null } });
    await until("namespace gone", () => !ns());
    expect(api.requests).toContain("PUT /api/v1/namespaces/x/finalize");
    expect(api.peek("/api/v1/namespaces/other/configmaps/untouched")).toBeDefined();

    ac.abort();
    await run;
    await h.informers.stop();
  });
});
