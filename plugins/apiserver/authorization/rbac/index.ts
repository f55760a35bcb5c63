import { definePlugin } from "../../../../core/kernel/define-plugin.js";
import { ApiServer } from "../../../../core/apiserver/points.js";
import type { Authorizer } from "../../../../core/apiserver/chains.js";
import type { ApiServerHandle } from "../../../../core/apiserver/handle.js";

/**
 * Upstream's RBAC authorizer over the API server's own watch cache, with the escalation
 * and bind checks on writes of roles and bindings and the bootstrap policy reconciled at start.
 */
export default definePlugin<Record<string, never>, ApiServerHandle, Authorizer>({
  name: "RBAC",
  serves: [ApiServer.authorization],
  description: "Roles, ClusterRoles and their bindings (rbac.authorization.k8s.io/v1), with upstream's bootstrap policy",
  upstream: "kube-apiserver --authorization-mode=RBAC",
  create: async (_args, handle) => {
    const { PolicyIndex } = await import("./policy.js");
    const { RbacAuthorizer } = await import("./rbac-authorizer.js");
    const { guardRbacWrites } = await import("./escalation.js");
    const { reconcileBootstrapPolicy } = await import("./reconcile.js");
    const policy = new PolicyIndex();
    const followed = policy.follow(handle.objects);
    guardRbacWrites(handle.objects, policy, followed.synced);
    handle.objects.onStart(async (writer) => {
      await reconcileBootstrapPolicy(writer, handle.logger);
      await followed.synced;
    });
    return new RbacAuthorizer(policy);
  },
});
