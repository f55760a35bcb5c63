import { describe, expect, it } from "vitest";
import { ServiceAccountsController } from "../../../plugins/controller-manager/controllers/serviceaccount/serviceaccounts-controller.js";
import { fakeControllerHandle } from "../../support/fake-controller-handle.js";

const ns = (name: string, extra: Record<string, unknown> = {}) => ({ apiVersion: "v1", kind: "Namespace", metadata: { name, ...extra } });
const settle = async (check: () => boolean) => {
  for (let i = 0; i < 200 && !check(); i++) await new Promise((r) => setTimeout(r, 5));
};

describe("serviceaccount controller (fake API)", () => {
  it("makes each listed account in active namespaces only, and remakes a deleted one", async () => {
    const h = fakeControllerHandle();
    h.api.seed("/api/v1/namespaces", ns("a"), ns("going", { deletionTimestamp: "2026-01-01T00:00:00Z", finalizers: ["kubernetes"] }));
    h.api.seed("/api/v1/namespaces/b/serviceaccounts", { apiVersion: "v1", kind: "ServiceAccount", metadata: { name: "default" } });
    h.api.seed("/api/v1/namespaces", ns("b"));
    const controller = new ServiceAccountsController({ serviceAccounts: ["default", "builder"], concurrentSyncs: 2 }, h);
    const ac = new AbortController();
    const run = controller.run(ac.signal);
    h.informers.start(ac.signal);

    const names = (n: string) => h.api.list(`/api/v1/namespaces/${n}/serviceaccounts`).map((o) => o.metadata.name).sort();
    await settle(() => names("a").length === 2 && names("b").length === 2);
    expect(names("a")).toEqual(["builder", "default"]);
    expect(names("b")).toEqual(["builder", "default"]);
    expect(names("going")).toEqual([]);
    // b's existing default was left alone: only builder was created there.
    expect(h.api.requests.filter((r) => r === "POST /api/v1/namespaces/b/serviceaccounts")).toHaveLength(1);

    await h.client.resource({ group: "", version: "v1", resource: "serviceaccounts", namespaced: true }, "a").delete("default");
    await settle(() => names("a").includes("default"));
    expect(names("a")).toEqual(["builder", "default"]);

    ac.abort();
    await run;
    await h.informers.stop();
  });
});
