import type { ClusterObjects, ObjectEventType } from "../../../../core/apiserver/cluster-objects.js";
import type { UserInfo } from "../../../../core/apiserver/chains.js";
import type { PolicyRule } from "./rules.js";

type Obj = Record<string, any>;

export interface Subject {
  kind: string;
  name: string;
  namespace?: string;
  apiGroup?: string;
}

export interface Binding {
  kind: "RoleBinding" | "ClusterRoleBinding";
  name: string;
  namespace?: string;
  roleRef: { kind: string; name: string; apiGroup?: string };
  subjects: Subject[];
}

/** Rules that apply to a user, with where each came from (for reasons and errors). */
export interface Visit {
  binding: Binding;
  roleKind: string;
  roleName: string;
  rules: PolicyRule[];
}

const RBAC = "rbac.authorization.k8s.io";

/** The key a subject is indexed by: users (service accounts are users by name) and groups. */
function subjectKey(s: Subject, bindingNamespace: string | undefined): string | undefined {
  if (s.kind === "User") return `u:${s.name}`;
  if (s.kind === "Group") return `g:${s.name}`;
  if (s.kind === "ServiceAccount") return `u:system:serviceaccount:${s.namespace || bindingNamespace}:${s.name}`;
  return undefined;
}

/**
 * The four RBAC kinds as the API server's watch cache holds them, with bindings indexed
 * by subject so a decision looks only at the bindings naming the user or one of its groups.
 */
export class PolicyIndex {
  private readonly roles = new Map<string, PolicyRule[]>();
  private readonly clusterRoles = new Map<string, PolicyRule[]>();
  private readonly bindings = new Map<string, Binding>();
  private readonly bySubject = new Map<string, Set<Binding>>();

  /** Follows the four kinds; `synced` resolves once all four have been read. */
  follow(objects: ClusterObjects): { synced: Promise<void>; close(): void } {
    const follows = [
      objects.follow({ group: RBAC, version: "v1", resource: "roles" }, (t, o) => this.setRole(t, o)),
      objects.follow({ group: RBAC, version: "v1", resource: "clusterroles" }, (t, o) => this.setClusterRole(t, o)),
      objects.follow({ group: RBAC, version: "v1", resource: "rolebindings" }, (t, o) => this.setBinding(t, o)),
      objects.follow({ group: RBAC, version: "v1", resource: "clusterrolebindings" }, (t, o) => this.setBinding(t, o)),
    ];
    return { synced: Promise.all(follows.map((f) => f.synced)).then(() => undefined), close: () => follows.forEach((f) => f.close()) };
  }

  setRole(type: ObjectEventType, o: Obj): void {
    const key = `${o.metadata.namespace}/${o.metadata.name}`;
    if (type === "DELETED") this.roles.delete(key);
    else this.roles.set(key, o.rules ?? []);
  }

  setClusterRole(type: ObjectEventType, o: Obj): void {
    if (type === "DELETED") this.clusterRoles.delete(o.metadata.name);
    else this.clusterRoles.set(o.metadata.name, o.rules ?? []);
  }

  setBinding(type: ObjectEventType, o: Obj): void {
    const ns: string | undefined = o.metadata.namespace;
    const id = `${o.kind ?? (ns ? "RoleBinding" : "ClusterRoleBinding")}:${ns ?? ""}/${o.metadata.name}`;
    const old = this.bindings.get(id);
    if (old) {
      for (const s of old.subjects) this.bySubject.get(subjectKey(s, old.namespace) ?? "")?.delete(old);
      this.bindings.delete(id);
    }
    if (type === "DELETED") return;
    const b: Binding = { kind: ns ? "RoleBinding" : "ClusterRoleBinding", name: o.metadata.name, ...(ns ? { namespace: ns } : {}), roleRef: o.roleRef, subjects: o.subjects ?? [] };
    this.bindings.set(id, b);
    for (const s of b.subjects) {
      const key = subjectKey(s, ns);
      if (!key) continue;
      let set = this.bySubject.get(key);
      if (!set) this.bySubject.set(key, (set = new Set()));
      set.add(b);
    }
  }

  /**
   * Upstream's VisitRulesFor: cluster-wide bindings first, then the namespace's. A binding
   * whose role is missing yields an error instead of rules. `stop` returning true ends the walk.
   */
  visit(user: UserInfo, namespace: string | undefined, each: (v: Visit | { error: string }) => boolean | void): void {
    const found = new Set<Binding>();
    for (const key of [`u:${user.name}`, ...user.groups.map((g) => `g:${g}`)]) for (const b of this.bySubject.get(key) ?? []) found.add(b);
    const ordered = [...found].sort((a, b) => (a.kind === b.kind ? 0 : a.kind === "ClusterRoleBinding" ? -1 : 1));
    for (const b of ordered) {
      if (b.kind === "RoleBinding" && b.namespace !== namespace) continue;
      const v = this.resolve(b);
      if (each(v)) return;
    }
  }

  private resolve(b: Binding): Visit | { error: string } {
    const { kind, name } = b.roleRef;
    const rules = kind === "ClusterRole" ? this.clusterRoles.get(name) : kind === "Role" && b.namespace ? this.roles.get(`${b.namespace}/${name}`) : undefined;
    if (!rules) return { error: `${kind.toLowerCase()}.${RBAC} "${name}" not found` };
    return { binding: b, roleKind: kind, roleName: name, rules };
  }

  /** Every rule the user holds in a namespace ("" for cluster-wide only), and the errors met. */
  rulesFor(user: UserInfo, namespace: string): { rules: PolicyRule[]; errors: string[] } {
    const rules: PolicyRule[] = [];
    const errors: string[] = [];
    this.visit(user, namespace || undefined, (v) => {
      if ("error" in v) errors.push(v.error);
      else rules.push(...v.rules);
    });
    return { rules, errors };
  }

  /** The rules of a role a binding refers to, or undefined when it does not exist. */
  roleRules(kind: string, namespace: string | undefined, name: string): PolicyRule[] | undefined {
    return kind === "ClusterRole" ? this.clusterRoles.get(name) : this.roles.get(`${namespace}/${name}`);
  }
}

/** Upstream's subject description in an allow reason: `User "bob"`, `Group "x"`, `ServiceAccount "ns/name"`. */
export function describeSubjectOf(user: UserInfo, b: Binding): string {
  for (const s of b.subjects) {
    if (s.kind === "User" && s.name === user.name) return `User "${s.name}"`;
    if (s.kind === "Group" && user.groups.includes(s.name)) return `Group "${s.name}"`;
    if (s.kind === "ServiceAccount" && user.name === `system:serviceaccount:${s.namespace || b.namespace}:${s.name}`) return `ServiceAccount "${s.namespace || b.namespace}/${s.name}"`;
  }
  return "";
}
