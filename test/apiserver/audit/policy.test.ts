import { describe, expect, it } from "vitest";
import { checkPolicy, evaluatePolicy, type AuditPolicy } from "../../../core/apiserver/audit/policy.js";
import { parseRequestInfo } from "../../../core/apiserver/http/request-info.js";
import { Batcher } from "../../../core/apiserver/audit/batcher.js";

const policy: AuditPolicy = {
  apiVersion: "audit.k8s.io/v1",
  kind: "Policy",
  omitStages: ["RequestReceived"],
  rules: [
    { level: "None", users: ["system:kube-proxy"], verbs: ["watch"] },
    { level: "None", nonResourceURLs: ["/healthz*", "/version"] },
    { level: "Metadata", resources: [{ group: "", resources: ["secrets", "configmaps"] }] },
    { level: "Request", resources: [{ group: "", resources: ["pods/status"] }], omitStages: ["ResponseStarted"] },
    { level: "RequestResponse", namespaces: ["kube-system"] },
    { level: "Metadata", userGroups: ["system:authenticated"] },
  ],
};
const user = (name: string, groups = ["system:authenticated"]) => ({ name, groups });
const at = (method: string, path: string, q = "") => parseRequestInfo(method, path, new URLSearchParams(q));

describe("audit policy", () => {
  it.each([
    ["kube-proxy's watches", user("system:kube-proxy"), at("GET", "/api/v1/services", "watch=true"), "None"],
    ["kube-proxy's lists", user("system:kube-proxy"), at("GET", "/api/v1/services"), "Metadata"],
    ["health checks by prefix", user("x"), at("GET", "/healthz/ping"), "None"],
    ["secrets", user("x"), at("GET", "/api/v1/namespaces/kube-system/secrets/s"), "Metadata"],
    ["pod status by subresource", user("x"), at("PUT", "/api/v1/namespaces/a/pods/p/status"), "Request"],
    ["pods in kube-system", user("x"), at("POST", "/api/v1/namespaces/kube-system/pods"), "RequestResponse"],
    ["anything else of an authenticated user", user("x"), at("GET", "/apis/apps/v1/deployments"), "Metadata"],
    ["an unauthenticated request matching no rule", user("system:anonymous", ["system:unauthenticated"]), at("GET", "/apis/apps/v1/deployments"), "None"],
  ])("%s", (_what, u, info, level) => {
    expect(evaluatePolicy(policy, u, info).level).toBe(level);
  });

  it("joins the policy's omitted stages with the rule's", () => {
    expect([...evaluatePolicy(policy, user("x"), at("PUT", "/api/v1/namespaces/a/pods/p/status")).omitStages].sort()).toEqual(["RequestReceived", "ResponseStarted"]);
  });

  it("no policy audits nothing; a malformed one is reported", () => {
    expect(evaluatePolicy(undefined, user("x"), at("GET", "/api/v1/pods")).level).toBe("None");
    expect(checkPolicy({ apiVersion: "audit.k8s.io/v2", rules: [{ level: "Everything" as any }, { level: "None", nonResourceURLs: ["/x"], resources: [{ resources: ["pods"] }] }] })).toEqual([
      "auditPolicy.apiVersion: must be audit.k8s.io/v1, not audit.k8s.io/v2",
      "auditPolicy.rules[0].level: must be one of None, Metadata, Request, RequestResponse",
      "auditPolicy.rules[1]: rules cannot apply to both regular resources and non-resource URLs",
    ]);
  });
});

describe("audit batches", () => {
  it("sends a full batch at once, the rest after the wait, in order, and drops beyond the buffer", async () => {
    const sent: number[][] = [];
    const b = new Batcher<number>({ maxBatchSize: 3, maxBatchWaitMs: 20, bufferSize: 5 }, async (batch) => void sent.push(batch));
    for (let i = 1; i <= 4; i++) b.add(i);
    await new Promise((r) => setTimeout(r, 5));
    expect(sent).toEqual([[1, 2, 3]]);
    await new Promise((r) => setTimeout(r, 40));
    expect(sent).toEqual([[1, 2, 3], [4]]);
    const slow = new Batcher<number>({ maxBatchSize: 10, maxBatchWaitMs: 1000, bufferSize: 2 }, async (batch) => void sent.push(batch));
    slow.add(5);
    slow.add(6);
    slow.add(7);
    expect(slow.dropped).toBe(1);
    await slow.flush();
    expect(sent.at(-1)).toEqual([5, 6]);
  });
});
