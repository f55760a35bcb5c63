import type { ObjectWriter, ResourceRef } from "../../../../core/apiserver/cluster-objects.js";
import type { Logger } from "../../../../core/kernel/logging.js";
import { clusterRoleBindings, clusterRoles, type BootstrapBinding, type BootstrapRole } from "./bootstrap-policy.js";
import { uncovered } from "./rules.js";

const RBAC = "rbac.authorization.k8s.io";
const AUTOUPDATE = "rbac.authorization.kubernetes.io/autoupdate";
const ROLES: ResourceRef = { group: RBAC, version: "v1", resource: "clusterroles" };
const BINDINGS: ResourceRef = { group: RBAC, version: "v1", resource: "clusterrolebindings" };

type Obj = Record<string, any> & { metadata: Record<string, any> };

const meta = (name: string, labels: Record<string, string> = {}) => ({
  name,
  labels: { "kubernetes.io/bootstrapping": "rbac-defaults", ...labels },
  annotations: { [AUTOUPDATE]: "true" },
});

/**
 * Upstream's bootstrap-roles post-start hook: missing roles and bindings are created;
 * existing ones not annotated `autoupdate: "false"` gain missing labels, rules and subjects
 * (never lose any). Aggregated roles' rules are the aggregation controller's.
 */
export async function reconcileBootstrapPolicy(writer: ObjectWriter, logger: Logger): Promise<void> {
  let changed = 0;
  for (const role of clusterRoles) if (await reconcileRole(writer, role)) changed++;
  for (const binding of clusterRoleBindings) if (await reconcileBinding(writer, binding)) changed++;
  logger.info({ changed }, "bootstrap RBAC policy reconciled");
}

async function reconcileRole(writer: ObjectWriter, role: BootstrapRole): Promise<boolean> {
  const want: Obj = {
    apiVersion: `${RBAC}/v1`,
    kind: "ClusterRole",
    metadata: meta(role.name, role.labels),
    rules: role.rules,
    ...(role.aggregationRule ? { aggregationRule: role.aggregationRule } : {}),
  };
  const current = await writer.get(ROLES, undefined, role.name);
  if (!current) {
    await writer.create(ROLES, undefined, want);
    return true;
  }
  if (current.metadata.annotations?.[AUTOUPDATE] === "false") return false;
  const next = structuredClone(current) as Obj;
  const labels = { ...want.metadata.labels, ...(current.metadata.labels ?? {}) };
  next.metadata.labels = labels;
  if (role.aggregationRule) next.aggregationRule = role.aggregationRule;
  else next.rules = [...(current.rules ?? []), ...role.rules.filter((r) => uncovered(current.rules ?? [], [r]).length)];
  if (JSON.stringify(next) === JSON.stringify(current)) return false;
  await writer.update(ROLES, undefined, next);
  return true;
}

async function reconcileBinding(writer: ObjectWriter, binding: BootstrapBinding): Promise<boolean> {
  const subjects = binding.subjects.map((s) => (s.kind === "ServiceAccount" ? s : { apiGroup: RBAC, ...s }));
  const want: Obj = {
    apiVersion: `${RBAC}/v1`,
    kind: "ClusterRoleBinding",
    metadata: meta(binding.name),
    roleRef: { apiGroup: RBAC, ...binding.roleRef },
    ...(subjects.length ? { subjects } : {}),
  };
  const current = await writer.get(BINDINGS, undefined, binding.name);
  if (!current) {
    await writer.create(BINDINGS, undefined, want);
    return true;
  }
  if (current.metadata.annotations?.[AUTOUPDATE] === "false") return false;
  const have: Obj[] = current.subjects ?? [];
  const missing = subjects.filter((s) => !have.some((h) => h.kind === s.kind && h.name === s.name && (h.namespace ?? "") === (s.namespace ?? "")));
  if (!missing.length) return false;
  await writer.update(BINDINGS, undefined, { ...structuredClone(current), subjects: [...have, ...missing] } as Obj);
  return true;
}
