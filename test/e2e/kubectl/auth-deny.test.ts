import { describe, expect, it } from "vitest";
import { clusterPerFile, kubectlMissing } from "./cluster-per-file.js";

/** A control plane whose only authorizer is AlwaysDeny; the admin still passes as system:masters. */
const DENY = `apiVersion: kitbash.io/v1alpha1
kind: Profile
metadata: {name: deny-all}
extends: control-plane
components:
  apiserver:
    plugins:
      authorization:
        disabled: [{name: "*"}]
        enabled: [{name: AlwaysDeny}]
`;

describe.skipIf(kubectlMissing)("kubectl against an authorizer that denies", () => {
  const k = clusterPerFile({ profile: DENY });
  // Discovery is denied to anyone but the admin too; the admin's run fills kubectl's cache for the others.
  const discover = () => k.ok(["api-resources", "-o", "name"]);

  it("`kubectl create -f` of a SubjectAccessReview prints the authorizer chain's decision", async () => {
    const review = k.manifest("sar.yaml", "apiVersion: authorization.k8s.io/v1\nkind: SubjectAccessReview\nspec:\n  user: jane\n  groups: [dev]\n  resourceAttributes: {verb: list, resource: pods, namespace: default}\n");
    expect(JSON.parse(await k.ok(["create", "-f", review, "-o", "jsonpath={.status}"]))).toEqual({ allowed: false, denied: true, reason: "AlwaysDeny" });
    const masters = k.manifest("sar-masters.yaml", "apiVersion: authorization.k8s.io/v1\nkind: SubjectAccessReview\nspec:\n  user: root\n  groups: [system:masters]\n  nonResourceAttributes: {verb: get, path: /healthz}\n");
    expect(JSON.parse(await k.ok(["create", "-f", masters, "-o", "jsonpath={.status}"]))).toEqual({ allowed: true });
  });

  it("`kubectl auth can-i` is yes for system:masters, and another user may not even ask", async () => {
    await discover();
    expect(await k.ok(["auth", "can-i", "delete", "deployments"])).toBe("yes\n");
    const err = await k.fails(["auth", "can-i", "list", "pods", "--as=jane"]);
    expect(err).toContain('selfsubjectaccessreviews.authorization.k8s.io is forbidden: User "jane" cannot create resource "selfsubjectaccessreviews" in API group "authorization.k8s.io" at the cluster scope: AlwaysDeny');
  });

  it("`kubectl get` as a denied user is refused with upstream's Forbidden message", async () => {
    await discover();
    const err = await k.fails(["get", "pods", "--as=jane"]);
    expect(err).toBe('Error from server (Forbidden): pods is forbidden: User "jane" cannot list resource "pods" in API group "" in the namespace "default": AlwaysDeny\n');
  });
});
