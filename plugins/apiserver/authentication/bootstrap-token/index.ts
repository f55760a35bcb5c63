import { definePlugin } from "../../../../core/kernel/define-plugin.js";
import { ApiServer } from "../../../../core/apiserver/points.js";
import type { Authenticator } from "../../../../core/apiserver/chains.js";
import type { ApiServerHandle } from "../../../../core/apiserver/handle.js";

/** Upstream's bootstrap token authenticator (kube-system secrets bootstrap-token-<id>). */
export default definePlugin<Record<string, never>, ApiServerHandle, Authenticator>({
  name: "bootstrap-token",
  serves: [ApiServer.authentication],
  description: "Tokens <id>.<secret> from kube-system secrets bootstrap-token-<id>, as system:bootstrap:<id> in system:bootstrappers",
  upstream: "kube-apiserver --enable-bootstrap-token-auth",
  create: async (_args, handle) => {
    const { BootstrapTokenAuthenticator } = await import("./bootstrap-authenticator.js");
    return new BootstrapTokenAuthenticator(handle.objects);
  },
});
