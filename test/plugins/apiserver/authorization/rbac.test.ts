import { describe, expect, it } from "vitest";
import type { AdmissionRequest, RequestAttributes, UserInfo } from "../../../../core/apiserver/chains.js";
import type { ClusterObjects, WriteGuard } from "../../../../core/apiserver/cluster-objects.js";
import { StatusError } from "../../../../core/api/status.js";
import { PolicyIndex } from "../../../../plugins/apiserver/authorization/rbac/policy.js";
import { RbacAuthorizer } from "../../../../plugins/apiserver/authorization/rbac/rbac-authorizer.js";
import { guardRbacWrites } from "../../../../plugins/apiserver/authorization/rbac/escalation.js";

const RBAC = "rbac.authorization.k8s.io";
const clusterRole = (name: string, rules: object[]) => ({ kind: "ClusterRole", metadata: { name }, rules });
const role = (namespace: string, name: string, rules: object[]) => ({ kind: "Role", metadata: { namespace, name }, rules });
const crb = (name: string, roleName: string, subjects: object[]) => ({ kind: "ClusterRoleBinding", metadata: { name }, roleRef: { apiGroup: RBAC, kind: "ClusterRole", name: roleName }, subjects });
const rb = (namespace: string, name: string, kind: string, roleName: string, subjects: object[]) => ({ kind: "RoleBinding", metadata: { namespace, name }, roleRef: { apiGroup: RBAC, kind, name: roleName }, subjects });
const user = (name: string, ...groups: string[]): UserInfo => ({ name, groups: [...groups, "system:authenticated"] });

function policy(): PolicyIndex {
  const p = new PolicyIndex();
  p.setClusterRole("ADDED", clusterRole("pod-reader", [{ verbs: ["get", "list", "watch"], apiGroups: [""], resources: ["pods"] }]));
  p.setClusterRole("ADDED", clusterRole("log-reader", [{ verbs: ["get"], apiGroups: [""], resources: ["pods/log"] }]));
  p.setClusterRole("ADDED", clusterRole("status-any", [{ verbs: ["update"], apiGroups: ["*"], resources: ["*/status"] }]));
  p.setClusterRole("ADDED", clusterRole("one-cm", [{ verbs: ["get", "update"], apiGroups: [""], resources: ["configmaps"], resourceNames: ["app-config"] }]));
  p.setClusterRole("ADDED", clusterRole("everything", [{ verbs: ["*"], apiGroups: ["*"], resources: ["*"] }]));
  p.setClusterRole("ADDED", clusterRole("metrics", [{ verbs: ["get"], nonResourceURLs: ["/metrics", "/logs/*"] }]));
  p.setClusterRole("ADDED", clusterRole("deployer", [{ verbs: ["create", "delete"], apiGroups: ["apps"], resources: ["deployments"] }]));
  p.setRole("ADDED", role("team-a", "secret-reader", [{ verbs: ["get"], apiGroups: [""], resources: ["secrets"] }]));
  p.setBinding("ADDED", crb("readers", "pod-reader", [{ kind: "Group", apiGroup: RBAC, name: "readers" }]));
  p.setBinding("ADDED", crb("alice-logs", "log-reader", [{ kind: "User", apiGroup: RBAC, name: "alice" }]));
  p.setBinding("ADDED", crb("status", "status-any", [{ kind: "User", apiGroup: RBAC, name: "status-writer" }]));
  p.setBinding("ADDED", crb("cm", "one-cm", [{ kind: "User", apiGroup: RBAC, name: "carol" }]));
  p.setBinding("ADDED", crb("admins", "everything", [{ kind: "Group", apiGroup: RBAC, name: "admins" }]));
  p.setBinding("ADDED", crb("metrics", "metrics", [{ kind: "ServiceAccount", name: "prom", namespace: "mon" }]));
  p.setBinding("ADDED", crb("dangling", "no-such-role", [{ kind: "User", apiGroup: RBAC, name: "dave" }]));
  p.setBinding("ADDED", rb("team-a", "secrets", "Role", "secret-reader", [{ kind: "User", apiGroup: RBAC, name: "bob" }]));
  p.setBinding("ADDED", rb("team-a", "deploy", "ClusterRole", "deployer", [{ kind: "User", apiGroup: RBAC, name: "bob" }]));
  return p;
}

const res = (u: UserInfo, verb: string, group: string, resource: string, o: { ns?: string; name?: string; sub?: string } = {}): RequestAttributes => ({
  user: u,
  verb,
  resourceRequest: true,
  path: "",
  apiGroup: group,
  resource,
  ...(o.ns ? { namespace: o.ns } : {}),
  ...(o.name ? { name: o.name } : {}),
  ...(o.sub ? { subresource: o.sub } : {}),
});
const url = (u: UserInfo, verb: string, path: string): RequestAttributes => ({ user: u, verb, resourceRequest: false, path });

describe("RBAC authorizer decisions", () => {
  const authz = new RbacAuthorizer(policy());
  const table: [string, RequestAttributes, "allow" | "no-opinion"][] = [
    ["group member lists pods anywhere", res(user("x", "readers"), "list", "", "pods", { ns: "default" }), "allow"],
    ["group member lists pods cluster-wide", res(user("x", "readers"), "list", "", "pods"), "allow"],
    ["group member may not create pods", res(user("x", "readers"), "create", "", "pods", { ns: "default" }), "no-opinion"],
    ["pods does not grant pods/log", res(user("x", "readers"), "get", "", "pods", { ns: "default", name: "p", sub: "log" }), "no-opinion"],
    ["pods/log grants the subresource", res(user("alice"), "get", "", "pods", { ns: "default", name: "p", sub: "log" }), "allow"],
    ["pods/log does not grant pods", res(user("alice"), "get", "", "pods", { ns: "default", name: "p" }), "no-opinion"],
    ["*/status grants any status", res(user("status-writer"), "update", "apps", "deployments", { ns: "d", name: "x", sub: "status" }), "allow"],
    ["*/status does not grant the resource", res(user("status-writer"), "update", "apps", "deployments", { ns: "d", name: "x" }), "no-opinion"],
    ["resourceNames: the named object", res(user("carol"), "get", "", "configmaps", { ns: "d", name: "app-config" }), "allow"],
    ["resourceNames: another object", res(user("carol"), "get", "", "configmaps", { ns: "d", name: "other" }), "no-opinion"],
    ["resourceNames: a list has no name", res(user("carol"), "list", "", "configmaps", { ns: "d" }), "no-opinion"],
    ["wildcards grant every verb, group and subresource", res(user("x", "admins"), "escalate", RBAC, "clusterroles", { name: "r" }), "allow"],
    ["service account by its user name reads /metrics", url(user("system:serviceaccount:mon:prom"), "get", "/metrics"), "allow"],
    ["a trailing * is a prefix", url(user("system:serviceaccount:mon:prom"), "get", "/logs/kube.log"), "allow"],
    ["a URL rule without * is exact", url(user("system:serviceaccount:mon:prom"), "get", "/metrics/extra"), "no-opinion"],
    ["URL rules need the verb", url(user("system:serviceaccount:mon:prom"), "post", "/metrics"), "no-opinion"],
    ["another namespace's service account", url(user("system:serviceaccount:other:prom"), "get", "/metrics"), "no-opinion"],
    ["a role binding grants in its namespace", res(user("bob"), "get", "", "secrets", { ns: "team-a", name: "s" }), "allow"],
    ["a role binding grants nothing elsewhere", res(user("bob"), "get", "", "secrets", { ns: "team-b", name: "s" }), "no-opinion"],
    ["a role binding grants nothing cluster-wide", res(user("bob"), "list", "", "secrets"), "no-opinion"],
    ["a role binding to a ClusterRole grants in its namespace", res(user("bob"), "create", "apps", "deployments", { ns: "team-a" }), "allow"],
    ["a role binding to a ClusterRole: not in another", res(user("bob"), "create", "apps", "deployments", { ns: "team-b" }), "no-opinion"],
    ["no bindings at all", res(user("eve"), "get", "", "pods", { ns: "default", name: "p" }), "no-opinion"],
  ];
  it.each(table)("%s", (_name, attrs, want) => {
    expect(authz.authorize(attrs).decision).toBe(want);
  });

  it("says which binding allowed, and names missing roles when it has no opinion", () => {
    expect(authz.authorize(res(user("x", "readers"), "list", "", "pods")).reason).toBe('RBAC: allowed by ClusterRoleBinding "readers" of ClusterRole "pod-reader" to Group "readers"');
    expect(authz.authorize(res(user("bob"), "get", "", "secrets", { ns: "team-a", name: "s" })).reason).toBe('RBAC: allowed by RoleBinding "secrets/team-a" of Role "secret-reader" to User "bob"');
    expect(authz.authorize(res(user("dave"), "get", "", "pods", { ns: "d" })).reason).toBe('RBAC: [clusterrole.rbac.authorization.k8s.io "no-such-role" not found]');
  });

  it("forgets deleted bindings and follows changed roles", () => {
    const p = policy();
    const a = new RbacAuthorizer(p);
    p.setBinding("DELETED", crb("readers", "pod-reader", [{ kind: "Group", apiGroup: RBAC, name: "readers" }]));
    expect(a.authorize(res(user("x", "readers"), "list", "", "pods")).decision).toBe("no-opinion");
    p.setClusterRole("MODIFIED", clusterRole("log-reader", [{ verbs: ["get"], apiGroups: [""], resources: ["pods", "pods/log"] }]));
    expect(a.authorize(res(user("alice"), "get", "", "pods", { ns: "d", name: "p" })).decision).toBe("allow");
  });

  it("lists a user's rules in a namespace, incomplete when a role is missing", () => {
    const rules = authz.rulesFor(user("bob"), "team-a");
    expect(rules.incomplete).toBe(false);
    expect(rules.resourceRules).toEqual([
      { verbs: ["get"], apiGroups: [""], resources: ["secrets"] },
      { verbs: ["create", "delete"], apiGroups: ["apps"], resources: ["deployments"] },
    ]);
    expect(authz.rulesFor(user("bob"), "team-b").resourceRules).toEqual([]);
    expect(authz.rulesFor(user("system:serviceaccount:mon:prom"), "").nonResourceRules).toEqual([{ verbs: ["get"], nonResourceURLs: ["/metrics", "/logs/*"] }]);
    expect(authz.rulesFor(user("dave"), "d").incomplete).toBe(true);
  });
});

describe("RBAC escalation and bind checks", () => {
  function guarded(allowedVerbs: { verb: string; user: string }[] = []) {
    const guards = new Map<string, WriteGuard>();
    const objects: ClusterObjects = {
      follow: () => ({ synced: Promise.resolve(), close: () => undefined }),
      get: async () => undefined,
      onStart: () => undefined,
      guardWrites: (group, resource, guard) => void guards.set(`${group}/${resource}`, guard),
      allowed: async (attrs) => allowedVerbs.some((a) => a.verb === attrs.verb && a.user === attrs.user.name),
    };
    guardRbacWrites(objects, policy(), Promise.resolve());
    return async (req: Partial<AdmissionRequest> & { resource: string; user: UserInfo; object: Record<string, any> }) => {
      const full: AdmissionRequest = { operation: "CREATE", group: RBAC, version: "v1", kind: "", dryRun: false, name: req.object.metadata.name, warn: () => undefined, annotate: () => undefined, ...req } as AdmissionRequest;
      try {
        await guards.get(`${RBAC}/${req.resource}`)!(full);
        return "ok";
      } catch (err) {
        if (!(err instanceof StatusError)) throw err;
        return `${err.status.code} ${err.status.message}`;
      }
    };
  }
  const podRules = [{ verbs: ["get", "list"], apiGroups: [""], resources: ["pods"] }];
  const createPods = [{ verbs: ["create", "delete"], apiGroups: [""], resources: ["pods"] }];

  const table: [string, { verb: string; user: string }[], Parameters<ReturnType<typeof guarded>>[0], string][] = [
    ["a role with rules the writer holds", [], { resource: "clusterroles", user: user("x", "readers"), object: clusterRole("r", podRules) }, "ok"],
    [
      "a role granting more than the writer holds",
      [],
      { resource: "clusterroles", user: user("x", "readers"), object: clusterRole("r", [...podRules, ...createPods]) },
      '403 clusterroles.rbac.authorization.k8s.io "r" is forbidden: user "x" (groups=["readers" "system:authenticated"]) is attempting to grant RBAC permissions not currently held:\n{APIGroups:[""], Resources:["pods"], Verbs:["create" "delete"]}',
    ],
    ["the escalate verb lets a writer grant more", [{ verb: "escalate", user: "x" }], { resource: "clusterroles", user: user("x", "readers"), object: clusterRole("r", createPods) }, "ok"],
    ["system:masters is exempt", [], { resource: "clusterroles", user: { name: "root", groups: ["system:masters"] }, object: clusterRole("r", createPods) }, "ok"],
    [
      "a namespaced role counts the namespace's rules",
      [],
      { resource: "roles", namespace: "team-a", user: user("bob"), object: role("team-a", "r", [{ verbs: ["get"], apiGroups: [""], resources: ["secrets"] }]) },
      "ok",
    ],
    [
      "but not another namespace's",
      [],
      { resource: "roles", namespace: "team-b", user: user("bob"), object: role("team-b", "r", [{ verbs: ["get"], apiGroups: [""], resources: ["secrets"] }]) },
      '403 roles.rbac.authorization.k8s.io "r" is forbidden: user "bob" (groups=["system:authenticated"]) is attempting to grant RBAC permissions not currently held:\n{APIGroups:[""], Resources:["secrets"], Verbs:["get"]}',
    ],
    [
      "resourceNames held cover only those names",
      [],
      { resource: "clusterroles", user: user("carol"), object: clusterRole("r", [{ verbs: ["get"], apiGroups: [""], resources: ["configmaps"] }]) },
      '403 clusterroles.rbac.authorization.k8s.io "r" is forbidden: user "carol" (groups=["system:authenticated"]) is attempting to grant RBAC permissions not currently held:\n{APIGroups:[""], Resources:["configmaps"], Verbs:["get"]}',
    ],
    ["a named rule within what is held", [], { resource: "clusterroles", user: user("carol"), object: clusterRole("r", [{ verbs: ["get"], apiGroups: [""], resources: ["configmaps"], resourceNames: ["app-config"] }]) }, "ok"],
    [
      "an aggregationRule needs cluster-admin",
      [],
      { resource: "clusterroles", user: user("x", "readers"), object: { ...clusterRole("agg", []), aggregationRule: { clusterRoleSelectors: [{ matchLabels: { a: "b" } }] } } },
      '403 clusterroles.rbac.authorization.k8s.io "agg" is forbidden: must have cluster-admin privileges to use the aggregationRule',
    ],
    ["binding a role whose rules the writer holds", [], { resource: "rolebindings", namespace: "d", user: user("x", "readers"), object: rb("d", "b", "ClusterRole", "pod-reader", [{ kind: "User", name: "y" }]) }, "ok"],
    [
      "binding a role with more than the writer holds",
      [],
      { resource: "rolebindings", namespace: "d", user: user("x", "readers"), object: rb("d", "b", "ClusterRole", "everything", [{ kind: "User", name: "x" }]) },
      '403 rolebindings.rbac.authorization.k8s.io "b" is forbidden: user "x" (groups=["readers" "system:authenticated"]) is attempting to grant RBAC permissions not currently held:\n{APIGroups:["*"], Resources:["*"], Verbs:["*"]}',
    ],
    ["the bind verb lets a writer bind it anyway", [{ verb: "bind", user: "x" }], { resource: "clusterrolebindings", user: user("x", "readers"), object: crb("b", "everything", [{ kind: "User", name: "x" }]) }, "ok"],
    [
      "binding a missing role without bind",
      [],
      { resource: "clusterrolebindings", user: user("x", "readers"), object: crb("b", "ghost", [{ kind: "User", name: "x" }]) },
      '403 clusterrolebindings.rbac.authorization.k8s.io "b" is forbidden: clusterrole.rbac.authorization.k8s.io "ghost" not found',
    ],
    [
      "an update of what the garbage collector writes passes",
      [],
      { operation: "UPDATE", resource: "clusterroles", user: user("x", "readers"), object: { ...clusterRole("r", createPods), metadata: { name: "r", finalizers: ["f"] } }, oldObject: clusterRole("r", createPods) },
      "ok",
    ],
    [
      "an update of labels is checked (a label can aggregate a role into another)",
      [],
      { operation: "UPDATE", resource: "clusterroles", user: user("x", "readers"), object: { ...clusterRole("r", createPods), metadata: { name: "r", labels: { a: "b" } } }, oldObject: clusterRole("r", createPods) },
      '403 clusterroles.rbac.authorization.k8s.io "r" is forbidden: user "x" (groups=["readers" "system:authenticated"]) is attempting to grant RBAC permissions not currently held:\n{APIGroups:[""], Resources:["pods"], Verbs:["create" "delete"]}',
    ],
    ["deletes are not checked", [], { operation: "DELETE", resource: "clusterroles", user: user("x"), object: clusterRole("r", createPods) }, "ok"],
  ];
  it.each(table)("%s", async (_name, allowed, req, want) => {
    expect(await guarded(allowed)(req)).toBe(want);
  });
});
