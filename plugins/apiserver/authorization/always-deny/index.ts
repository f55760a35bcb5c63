import { definePlugin } from "../../../../core/kernel/define-plugin.js";
import { ApiServer } from "../../../../core/apiserver/points.js";
import type { Authorizer } from "../../../../core/apiserver/chains.js";

/** Upstream's AlwaysDeny mode: every request is denied (useful at the end of a chain, and in tests). */
export default definePlugin<Record<string, never>, unknown, Authorizer>({
  name: "AlwaysDeny",
  serves: [ApiServer.authorization],
  description: "Denies every request",
  upstream: "kube-apiserver --authorization-mode=AlwaysDeny",
  create: () => ({
    authorize: () => ({ decision: "deny", reason: "AlwaysDeny" }),
    rulesFor: () => ({ resourceRules: [], nonResourceRules: [], incomplete: false }),
  }),
});
