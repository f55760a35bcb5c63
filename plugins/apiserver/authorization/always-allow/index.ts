import { definePlugin } from "../../../../core/kernel/define-plugin.js";
import { ApiServer } from "../../../../core/apiserver/points.js";
import type { Authorizer } from "../../../../core/apiserver/chains.js";

/** Upstream's AlwaysAllow mode: every request is allowed. */
export default definePlugin<Record<string, never>, unknown, Authorizer>({
  name: "AlwaysAllow",
  serves: [ApiServer.authorization],
  description: "Allows every request",
  upstream: "kube-apiserver --authorization-mode=AlwaysAllow",
  create: () => ({
    authorize: () => ({ decision: "allow" }),
    rulesFor: () => ({
      resourceRules: [{ verbs: ["*"], apiGroups: ["*"], resources: ["*"] }],
      nonResourceRules: [{ verbs: ["*"], nonResourceURLs: ["*"] }],
      incomplete: false,
    }),
  }),
});
