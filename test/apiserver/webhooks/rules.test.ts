import { describe, expect, it } from "vitest";
import { ruleMatches, selectorsMatch, type Webhook } from "../../../core/apiserver/webhooks/rules.js";
import { admissionRequest } from "../../plugins/apiserver/admission/fake-request.js";

describe("admission webhook rules", () => {
  const pods = { operations: ["CREATE"], apiGroups: [""], apiVersions: ["v1"], resources: ["pods"] };
  it.each([
    ["a pod create", pods, { operation: "CREATE", resource: "pods" }, true, true],
    ["a pod update under a CREATE rule", pods, { operation: "UPDATE", resource: "pods" }, true, false],
    ["pods/status under `pods`", pods, { operation: "CREATE", resource: "pods", subresource: "status" }, true, false],
    ["pods/status under `pods/*`", { ...pods, resources: ["pods/*"] }, { operation: "CREATE", resource: "pods", subresource: "status" }, true, true],
    ["deployments/scale under `*/scale`", { operations: ["*"], apiGroups: ["apps"], apiVersions: ["*"], resources: ["*/scale"] }, { operation: "UPDATE", group: "apps", resource: "deployments", subresource: "scale" }, true, true],
    ["any subresource under `*`", { operations: ["*"], apiGroups: ["*"], apiVersions: ["*"], resources: ["*"] }, { operation: "UPDATE", resource: "pods", subresource: "status" }, true, false],
    ["a namespaced pod under scope Cluster", { ...pods, scope: "Cluster" as const }, { operation: "CREATE", resource: "pods" }, true, false],
    ["a cluster-scoped node under scope Namespaced", { operations: ["*"], apiGroups: [""], apiVersions: ["v1"], resources: ["nodes"], scope: "Namespaced" as const }, { operation: "CREATE", resource: "nodes" }, false, false],
    ["another group", pods, { operation: "CREATE", group: "apps", resource: "pods" }, true, false],
  ])("%s", (_what, rule, fields, namespaced, expected) => {
    expect(ruleMatches(rule, admissionRequest(fields as any), namespaced)).toBe(expected);
  });

  const hook = (sel: Partial<Webhook>): Webhook => ({ name: "w", clientConfig: { url: "https://x" }, ...sel });
  it("namespaceSelector reads the namespace's labels, and a Namespace's own", () => {
    const h = hook({ namespaceSelector: { matchExpressions: [{ key: "env", operator: "In", values: ["prod"] }] } });
    const pod = admissionRequest({ operation: "CREATE", resource: "pods", namespace: "a", object: { metadata: {} } });
    expect(selectorsMatch(h, pod, { env: "prod" })).toBe(true);
    expect(selectorsMatch(h, pod, { env: "dev" })).toBe(false);
    const ns = admissionRequest({ operation: "CREATE", resource: "namespaces", name: "a", object: { metadata: { labels: { env: "prod" } } } });
    expect(selectorsMatch(h, ns, undefined)).toBe(true);
  });

  it("objectSelector matches the new or the old object's labels", () => {
    const h = hook({ objectSelector: { matchLabels: { inject: "yes" } } });
    expect(selectorsMatch(h, admissionRequest({ operation: "UPDATE", resource: "pods", object: { metadata: {} }, oldObject: { metadata: { labels: { inject: "yes" } } } }), {})).toBe(true);
    expect(selectorsMatch(h, admissionRequest({ operation: "CREATE", resource: "pods", object: { metadata: { labels: { inject: "no" } } } }), {})).toBe(false);
  });
});
