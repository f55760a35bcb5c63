import type { PolicyRule } from "./rules.js";

/**
 * Upstream's bootstrap RBAC policy (plugin/pkg/auth/authorizer/rbac/bootstrappolicy):
 * the default cluster roles, their aggregation labels and the default bindings, written
 * from the upstream facts. Only the per-controller roles of controllers Kitbash runs are here.
 */

const READ = ["get", "list", "watch"];
const WRITE = ["create", "update", "patch", "delete", "deletecollection"];
const READ_WRITE = [...READ, ...WRITE];
const CORE = "";

const rule = (verbs: string[], apiGroups: string[], resources: string[], resourceNames?: string[]): PolicyRule => ({
  verbs,
  apiGroups,
  resources,
  ...(resourceNames ? { resourceNames } : {}),
});
const urls = (verbs: string[], nonResourceURLs: string[]): PolicyRule => ({ verbs, nonResourceURLs });
const events = () => rule(["create", "update", "patch"], [CORE, "events.k8s.io"], ["events"]);

export interface BootstrapRole {
  name: string;
  labels?: Record<string, string>;
  rules: PolicyRule[];
  aggregationRule?: { clusterRoleSelectors: { matchLabels: Record<string, string> }[] };
}

export interface BootstrapBinding {
  name: string;
  namespace?: string;
  roleRef: { kind: "ClusterRole" | "Role"; name: string };
  subjects: { kind: "User" | "Group" | "ServiceAccount"; name: string; namespace?: string }[];
}

const AGG = "rbac.authorization.k8s.io/aggregate-to-";
const aggregated = (to: string) => ({ clusterRoleSelectors: [{ matchLabels: { [`${AGG}${to}`]: "true" } }] });

export const clusterRoles: BootstrapRole[] = [
  { name: "cluster-admin", rules: [rule(["*"], ["*"], ["*"]), urls(["*"], ["*"])] },
  {
    name: "system:discovery",
    rules: [urls(["get"], ["/api", "/api/*", "/apis", "/apis/*", "/healthz", "/livez", "/openapi", "/openapi/*", "/readyz", "/version", "/version/"])],
  },
  {
    name: "system:basic-user",
    rules: [
      rule(["create"], ["authentication.k8s.io"], ["selfsubjectreviews"]),
      rule(["create"], ["authorization.k8s.io"], ["selfsubjectaccessreviews", "selfsubjectrulesreviews"]),
    ],
  },
  { name: "system:public-info-viewer", rules: [urls(["get"], ["/healthz", "/livez", "/readyz", "/version", "/version/"])] },
  {
    name: "system:monitoring",
    rules: [urls(["get"], ["/metrics", "/metrics/slis", "/livez", "/readyz", "/healthz", "/livez/*", "/readyz/*", "/healthz/*"])],
  },
  {
    name: "system:service-account-issuer-discovery",
    rules: [urls(["get"], ["/.well-known/openid-configuration", "/.well-known/openid-configuration/", "/openid/v1/jwks", "/openid/v1/jwks/"])],
  },
  { name: "admin", aggregationRule: aggregated("admin"), rules: [] },
  { name: "edit", labels: { [`${AGG}admin`]: "true" }, aggregationRule: aggregated("edit"), rules: [] },
  { name: "view", labels: { [`${AGG}edit`]: "true" }, aggregationRule: aggregated("view"), rules: [] },
  {
    name: "system:aggregate-to-admin",
    labels: { [`${AGG}admin`]: "true" },
    rules: [
      rule(["create"], ["authorization.k8s.io"], ["localsubjectaccessreviews"]),
      rule(READ_WRITE, ["rbac.authorization.k8s.io"], ["rolebindings", "roles"]),
    ],
  },
  {
    name: "system:aggregate-to-edit",
    labels: { [`${AGG}edit`]: "true" },
    rules: [
      rule(READ, [CORE], ["pods/attach", "pods/proxy", "pods/exec", "pods/portforward", "secrets", "services/proxy"]),
      rule(["impersonate"], [CORE], ["serviceaccounts"]),
      rule(WRITE, [CORE], ["pods", "pods/attach", "pods/proxy", "pods/exec", "pods/portforward"]),
      rule(["create"], [CORE], ["pods/eviction"]),
      rule(WRITE, [CORE], ["replicationcontrollers", "replicationcontrollers/scale", "serviceaccounts", "services", "services/proxy", "persistentvolumeclaims", "configmaps", "secrets", "events"]),
      rule(["create"], [CORE], ["serviceaccounts/token"]),
      rule(WRITE, ["apps"], ["statefulsets", "statefulsets/scale", "daemonsets", "deployments", "deployments/scale", "deployments/rollback", "replicasets", "replicasets/scale"]),
      rule(WRITE, ["autoscaling"], ["horizontalpodautoscalers"]),
      rule(WRITE, ["batch"], ["jobs", "cronjobs"]),
      rule(WRITE, ["extensions"], ["daemonsets", "deployments", "deployments/scale", "deployments/rollback", "ingresses", "replicasets", "replicasets/scale", "replicationcontrollers/scale", "networkpolicies"]),
      rule(WRITE, ["policy"], ["poddisruptionbudgets"]),
      rule(WRITE, ["networking.k8s.io"], ["networkpolicies", "ingresses"]),
      rule(READ_WRITE, ["coordination.k8s.io"], ["leases"]),
    ],
  },
  {
    name: "system:aggregate-to-view",
    labels: { [`${AGG}view`]: "true" },
    rules: [
      rule(READ, [CORE], ["pods", "replicationcontrollers", "replicationcontrollers/scale", "serviceaccounts", "services", "services/status", "endpoints", "persistentvolumeclaims", "persistentvolumeclaims/status", "configmaps"]),
      rule(READ, [CORE], ["limitranges", "resourcequotas", "bindings", "events", "pods/status", "resourcequotas/status", "namespaces/status", "replicationcontrollers/status", "pods/log"]),
      rule(READ, [CORE], ["namespaces"]),
      rule(READ, ["discovery.k8s.io"], ["endpointslices"]),
      rule(READ, ["apps"], ["controllerrevisions", "statefulsets", "statefulsets/status", "statefulsets/scale", "daemonsets", "daemonsets/status", "deployments", "deployments/status", "deployments/scale", "replicasets", "replicasets/status", "replicasets/scale"]),
      rule(READ, ["autoscaling"], ["horizontalpodautoscalers", "horizontalpodautoscalers/status"]),
      rule(READ, ["batch"], ["jobs", "cronjobs", "cronjobs/status", "jobs/status"]),
      rule(READ, ["extensions"], ["daemonsets", "daemonsets/status", "deployments", "deployments/scale", "deployments/status", "ingresses", "ingresses/status", "replicasets", "replicasets/scale", "replicasets/status", "replicationcontrollers/scale", "networkpolicies"]),
      rule(READ, ["policy"], ["poddisruptionbudgets", "poddisruptionbudgets/status"]),
      rule(READ, ["networking.k8s.io"], ["networkpolicies", "ingresses", "ingresses/status"]),
    ],
  },
  {
    name: "system:kube-scheduler",
    rules: [
      events(),
      rule(["create"], ["coordination.k8s.io"], ["leases"]),
      rule(["get", "update"], ["coordination.k8s.io"], ["leases"], ["kube-scheduler"]),
      rule(READ, [CORE], ["nodes"]),
      rule([...READ, "delete"], [CORE], ["pods"]),
      rule(["create"], [CORE], ["pods/binding", "bindings"]),
      rule(["patch", "update"], [CORE], ["pods/status"]),
      rule(READ, [CORE], ["replicationcontrollers", "services"]),
      rule(READ, ["apps"], ["replicasets", "statefulsets"]),
      rule(READ, ["policy"], ["poddisruptionbudgets"]),
      rule(READ, [CORE], ["persistentvolumeclaims", "persistentvolumes"]),
      rule(["create"], ["authentication.k8s.io"], ["tokenreviews"]),
      rule(["create"], ["authorization.k8s.io"], ["subjectaccessreviews"]),
      rule(READ, ["storage.k8s.io"], ["csinodes", "csidrivers", "csistoragecapacities"]),
      rule(READ, [CORE], ["namespaces"]),
    ],
  },
  {
    name: "system:volume-scheduler",
    rules: [
      rule([...READ, "patch", "update"], [CORE], ["persistentvolumes"]),
      rule(READ, ["storage.k8s.io"], ["storageclasses"]),
      rule([...READ, "patch", "update"], [CORE], ["persistentvolumeclaims"]),
    ],
  },
  {
    name: "system:kube-controller-manager",
    rules: [
      events(),
      rule(["create"], ["coordination.k8s.io"], ["leases"]),
      rule(["get", "update"], ["coordination.k8s.io"], ["leases"], ["kube-controller-manager"]),
      rule(["create"], [CORE], ["secrets", "serviceaccounts"]),
      rule(["delete"], [CORE], ["secrets"]),
      rule(["get"], [CORE], ["configmaps", "namespaces", "secrets", "serviceaccounts"]),
      rule(["update"], [CORE], ["secrets", "serviceaccounts"]),
      rule(["create"], ["authentication.k8s.io"], ["tokenreviews"]),
      rule(["create"], ["authorization.k8s.io"], ["subjectaccessreviews"]),
      // Informers of every controller.
      rule(["list", "watch"], ["*"], ["*"]),
      rule(["create"], [CORE], ["serviceaccounts/token"]),
    ],
  },
  {
    name: "system:node",
    rules: [
      rule(["create"], ["authentication.k8s.io"], ["tokenreviews"]),
      rule(["create"], ["authorization.k8s.io"], ["subjectaccessreviews", "localsubjectaccessreviews"]),
      rule(READ, [CORE], ["services"]),
      rule(["create", "get", "list", "watch"], [CORE], ["nodes"]),
      rule(["update", "patch"], [CORE], ["nodes/status"]),
      rule(["update", "patch"], [CORE], ["nodes"]),
      events(),
      rule(READ, [CORE], ["pods"]),
      rule(["create", "delete"], [CORE], ["pods"]),
      rule(["update", "patch"], [CORE], ["pods/status"]),
      rule(["create"], [CORE], ["pods/eviction"]),
      rule(["get"], [CORE], ["secrets", "configmaps"]),
      rule(["get"], [CORE], ["persistentvolumeclaims", "persistentvolumes"]),
      rule(["get"], [CORE], ["endpoints"]),
      rule(["create", "get", "list", "watch"], ["certificates.k8s.io"], ["certificatesigningrequests"]),
      rule(["get", "create", "update", "patch", "delete"], ["coordination.k8s.io"], ["leases"]),
      rule(["get"], ["storage.k8s.io"], ["volumeattachments"]),
      rule(["create"], [CORE], ["serviceaccounts/token"]),
      rule(["update", "patch"], [CORE], ["persistentvolumeclaims/status"]),
      rule(READ, ["storage.k8s.io"], ["csidrivers"]),
      rule(["get", "create", "update", "patch", "delete"], ["storage.k8s.io"], ["csinodes"]),
      rule(READ, ["node.k8s.io"], ["runtimeclasses"]),
    ],
  },
  {
    name: "system:node-proxier",
    rules: [
      rule(["list", "watch"], [CORE], ["services", "endpoints"]),
      rule(READ, [CORE], ["nodes"]),
      events(),
      rule(["list", "watch"], ["discovery.k8s.io"], ["endpointslices"]),
    ],
  },
  { name: "system:node-bootstrapper", rules: [rule(["create", "get", "list", "watch"], ["certificates.k8s.io"], ["certificatesigningrequests"])] },
  { name: "system:kube-dns", rules: [rule(["list", "watch"], [CORE], ["endpoints", "services"])] },
  {
    name: "system:auth-delegator",
    rules: [rule(["create"], ["authentication.k8s.io"], ["tokenreviews"]), rule(["create"], ["authorization.k8s.io"], ["subjectaccessreviews"])],
  },
  // Per-controller roles (upstream's controller_policy.go) of the controllers Kitbash runs.
  {
    name: "system:controller:namespace-controller",
    rules: [
      rule(["get", "list", "watch", "delete"], [CORE], ["namespaces"]),
      rule(["update"], [CORE], ["namespaces/finalize", "namespaces/status"]),
      rule(["get", "list", "delete", "deletecollection"], ["*"], ["*"]),
    ],
  },
  { name: "system:controller:garbage-collector", rules: [rule(["get", "list", "watch", "patch", "update", "delete"], ["*"], ["*"])] },
  { name: "system:controller:service-account-controller", rules: [rule(["create"], [CORE], ["serviceaccounts"]), events()] },
  {
    name: "system:controller:clusterrole-aggregation-controller",
    rules: [rule(["escalate", "get", "list", "patch", "update", "watch"], ["rbac.authorization.k8s.io"], ["clusterroles"])],
  },
];

const controllerBinding = (role: string, sa: string): BootstrapBinding => ({
  name: `system:controller:${role}`,
  roleRef: { kind: "ClusterRole", name: `system:controller:${role}` },
  // The controller's own service account, as upstream; and the controller manager's own user,
  // because Kitbash's controller manager runs every controller under its client certificate.
  subjects: [
    { kind: "ServiceAccount", name: sa, namespace: "kube-system" },
    { kind: "User", name: "system:kube-controller-manager" },
  ],
});

export const clusterRoleBindings: BootstrapBinding[] = [
  { name: "cluster-admin", roleRef: { kind: "ClusterRole", name: "cluster-admin" }, subjects: [{ kind: "Group", name: "system:masters" }] },
  { name: "system:monitoring", roleRef: { kind: "ClusterRole", name: "system:monitoring" }, subjects: [{ kind: "Group", name: "system:monitoring" }] },
  { name: "system:discovery", roleRef: { kind: "ClusterRole", name: "system:discovery" }, subjects: [{ kind: "Group", name: "system:authenticated" }] },
  { name: "system:basic-user", roleRef: { kind: "ClusterRole", name: "system:basic-user" }, subjects: [{ kind: "Group", name: "system:authenticated" }] },
  {
    name: "system:public-info-viewer",
    roleRef: { kind: "ClusterRole", name: "system:public-info-viewer" },
    subjects: [
      { kind: "Group", name: "system:authenticated" },
      { kind: "Group", name: "system:unauthenticated" },
    ],
  },
  { name: "system:node-proxier", roleRef: { kind: "ClusterRole", name: "system:node-proxier" }, subjects: [{ kind: "User", name: "system:kube-proxy" }] },
  { name: "system:kube-controller-manager", roleRef: { kind: "ClusterRole", name: "system:kube-controller-manager" }, subjects: [{ kind: "User", name: "system:kube-controller-manager" }] },
  { name: "system:kube-dns", roleRef: { kind: "ClusterRole", name: "system:kube-dns" }, subjects: [{ kind: "ServiceAccount", name: "kube-dns", namespace: "kube-system" }] },
  { name: "system:kube-scheduler", roleRef: { kind: "ClusterRole", name: "system:kube-scheduler" }, subjects: [{ kind: "User", name: "system:kube-scheduler" }] },
  { name: "system:volume-scheduler", roleRef: { kind: "ClusterRole", name: "system:volume-scheduler" }, subjects: [{ kind: "User", name: "system:kube-scheduler" }] },
  { name: "system:node", roleRef: { kind: "ClusterRole", name: "system:node" }, subjects: [] },
  {
    name: "system:service-account-issuer-discovery",
    roleRef: { kind: "ClusterRole", name: "system:service-account-issuer-discovery" },
    subjects: [{ kind: "Group", name: "system:serviceaccounts" }],
  },
  controllerBinding("namespace-controller", "namespace-controller"),
  controllerBinding("garbage-collector", "generic-garbage-collector"),
  controllerBinding("service-account-controller", "service-account-controller"),
  controllerBinding("clusterrole-aggregation-controller", "clusterrole-aggregation-controller"),
];
