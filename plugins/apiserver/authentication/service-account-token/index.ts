import { definePlugin } from "../../../../core/kernel/define-plugin.js";
import { ApiServer } from "../../../../core/apiserver/points.js";
import type { Authenticator } from "../../../../core/apiserver/chains.js";
import type { ApiServerHandle } from "../../../../core/apiserver/handle.js";

/** Upstream's service-account token authenticator for bound tokens (TokenRequest). */
export default definePlugin<Record<string, never>, ApiServerHandle, Authenticator>({
  name: "service-account-token",
  serves: [ApiServer.authentication],
  description: "Bound service-account JWTs signed by the API server, valid while their service account and bound object exist",
  upstream: "kube-apiserver --service-account-key-file / --service-account-issuer",
  create: async (_args, handle) => {
    const { ServiceAccountTokenAuthenticator } = await import("./service-account-authenticator.js");
    return new ServiceAccountTokenAuthenticator(handle.serviceAccountTokens, handle.objects);
  },
});
