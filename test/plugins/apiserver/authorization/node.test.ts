import { describe, expect, it } from "vitest";
import type { RequestAttributes, UserInfo } from "../../../../core/apiserver/chains.js";
import { NodeGraph } from "../../../../plugins/apiserver/authorization/node/node-graph.js";
import { NodeAuthorizer } from "../../../../plugins/apiserver/authorization/node/node-authorizer.js";

const node = (name: string): UserInfo => ({ name: `system:node:${name}`, groups: ["system:nodes", "system:authenticated"] });
const pod = (name: string, nodeName: string | undefined, spec: Record<string, unknown> = {}) => ({ metadata: { namespace: "app", name }, spec: { ...(nodeName ? { nodeName } : {}), ...spec } });
const req = (user: UserInfo, verb: string, resource: string, o: { group?: string; ns?: string; name?: string; sub?: string } = {}): RequestAttributes => ({
  user,
  verb,
  resourceRequest: true,
  path: "",
  apiGroup: o.group ?? "",
  resource,
  ...(o.ns !== undefined ? { namespace: o.ns } : {}),
  ...(o.name ? { name: o.name } : {}),
  ...(o.sub ? { subresource: o.sub } : {}),
});

function graph(): NodeGraph {
  const g = new NodeGraph();
  g.onPod("ADDED", pod("web", "n1", {
    serviceAccountName: "web-sa",
    imagePullSecrets: [{ name: "registry" }],
    volumes: [
      { name: "cert", secret: { secretName: "tls" } },
      { name: "cfg", configMap: { name: "settings" } },
      { name: "data", persistentVolumeClaim: { claimName: "data" } },
      { name: "both", projected: { sources: [{ secret: { name: "projected-secret" } }, { configMap: { name: "projected-cm" } }] } },
      { name: "scratch", ephemeral: { volumeClaimTemplate: {} } },
    ],
    containers: [{ name: "c", env: [{ name: "P", valueFrom: { secretKeyRef: { name: "db-password", key: "p" } } }], envFrom: [{ configMapRef: { name: "env-cm" } }] }],
  }));
  g.onPod("ADDED", pod("other", "n2", { volumes: [{ name: "s", secret: { secretName: "n2-only" } }, { name: "t", secret: { secretName: "tls" } }] }));
  g.onPod("ADDED", pod("pending", undefined, { volumes: [{ name: "s", secret: { secretName: "unscheduled" } }] }));
  return g;
}

describe("Node authorizer decisions", () => {
  const authz = new NodeAuthorizer(graph());
  const n1 = node("n1");
  const table: [string, RequestAttributes, "allow" | "no-opinion"][] = [
    ["a volume's secret", req(n1, "get", "secrets", { ns: "app", name: "tls" }), "allow"],
    ["an image pull secret", req(n1, "get", "secrets", { ns: "app", name: "registry" }), "allow"],
    ["an env secret", req(n1, "get", "secrets", { ns: "app", name: "db-password" }), "allow"],
    ["a projected secret", req(n1, "get", "secrets", { ns: "app", name: "projected-secret" }), "allow"],
    ["a config map volume", req(n1, "get", "configmaps", { ns: "app", name: "settings" }), "allow"],
    ["an envFrom config map", req(n1, "get", "configmaps", { ns: "app", name: "env-cm" }), "allow"],
    ["a claim", req(n1, "get", "persistentvolumeclaims", { ns: "app", name: "data" }), "allow"],
    ["an ephemeral volume's claim", req(n1, "get", "persistentvolumeclaims", { ns: "app", name: "web-scratch" }), "allow"],
    ["another node's pod's secret", req(n1, "get", "secrets", { ns: "app", name: "n2-only" }), "no-opinion"],
    ["an unscheduled pod's secret", req(n1, "get", "secrets", { ns: "app", name: "unscheduled" }), "no-opinion"],
    ["the same name in another namespace", req(n1, "get", "secrets", { ns: "other", name: "tls" }), "no-opinion"],
    ["listing secrets", req(n1, "list", "secrets", { ns: "app" }), "no-opinion"],
    ["changing a linked secret", req(n1, "update", "secrets", { ns: "app", name: "tls" }), "no-opinion"],
    ["a token for its pod's service account", req(n1, "create", "serviceaccounts", { ns: "app", name: "web-sa", sub: "token" }), "allow"],
    ["a token for another service account", req(n1, "create", "serviceaccounts", { ns: "app", name: "default", sub: "token" }), "no-opinion"],
    ["getting its pod", req(n1, "get", "pods", { ns: "app", name: "web" }), "allow"],
    ["its pod's status", req(n1, "patch", "pods", { ns: "app", name: "web", sub: "status" }), "allow"],
    ["another node's pod", req(n1, "get", "pods", { ns: "app", name: "other" }), "no-opinion"],
    ["another node's pod's status", req(n1, "update", "pods", { ns: "app", name: "other", sub: "status" }), "no-opinion"],
    ["watching pods (filtered by the kubelet)", req(n1, "watch", "pods"), "allow"],
    ["its own Node", req(n1, "patch", "nodes", { name: "n1", sub: "status" }), "allow"],
    ["another Node", req(n1, "patch", "nodes", { name: "n2", sub: "status" }), "no-opinion"],
    ["deleting its own Node", req(n1, "delete", "nodes", { name: "n1" }), "no-opinion"],
    ["its own Lease", req(n1, "update", "leases", { group: "coordination.k8s.io", ns: "kube-node-lease", name: "n1" }), "allow"],
    ["another node's Lease", req(n1, "update", "leases", { group: "coordination.k8s.io", ns: "kube-node-lease", name: "n2" }), "no-opinion"],
    ["a Lease elsewhere", req(n1, "update", "leases", { group: "coordination.k8s.io", ns: "kube-system", name: "n1" }), "no-opinion"],
    ["events", req(n1, "create", "events", { ns: "app" }), "allow"],
    ["something no node needs", req(n1, "list", "roles", { group: "rbac.authorization.k8s.io", ns: "app" }), "no-opinion"],
    ["a user outside system:nodes", req({ name: "system:node:n1", groups: ["system:authenticated"] }, "get", "secrets", { ns: "app", name: "tls" }), "no-opinion"],
  ];
  it.each(table)("%s", (_name, attrs, want) => {
    expect(authz.authorize(attrs).decision).toBe(want);
  });

  it("lists no rules: complete for other users, incomplete for a node", () => {
    expect(authz.rulesFor({ name: "jane", groups: ["system:authenticated"] })).toEqual({ resourceRules: [], nonResourceRules: [], incomplete: false });
    expect(authz.rulesFor(n1).incomplete).toBe(true);
  });

  it("gives upstream's reason for an unrelated object", () => {
    expect(authz.authorize(req(n1, "get", "secrets", { ns: "app", name: "n2-only" })).reason).toBe("no relationship found between node 'n1' and this object");
  });

  it("follows pods as they move, shared references counted", () => {
    const g = graph();
    const a = new NodeAuthorizer(g);
    const tls = req(node("n2"), "get", "secrets", { ns: "app", name: "tls" });
    expect(a.authorize(tls).decision).toBe("allow");
    g.onPod("DELETED", pod("other", "n2"));
    expect(a.authorize(tls).decision).toBe("no-opinion");
    expect(a.authorize(req(n1, "get", "secrets", { ns: "app", name: "tls" })).decision).toBe("allow");
    g.onPod("MODIFIED", pod("pending", "n1", { volumes: [{ name: "s", secret: { secretName: "unscheduled" } }] }));
    expect(a.authorize(req(n1, "get", "secrets", { ns: "app", name: "unscheduled" })).decision).toBe("allow");
  });
});
