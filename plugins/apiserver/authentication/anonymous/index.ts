import { definePlugin } from "../../../../core/kernel/define-plugin.js";
import { ApiServer } from "../../../../core/apiserver/points.js";
import type { Authenticator } from "../../../../core/apiserver/chains.js";

/**
 * Upstream's anonymous authenticator: what no other plugin claimed is system:anonymous. A
 * request that presented a bearer token nobody accepted is not anonymous but refused, as
 * upstream's bearer-token layer answers "invalid bearer token" before anonymous is asked.
 */
export default definePlugin<Record<string, never>, unknown, Authenticator>({
  name: "anonymous",
  serves: [ApiServer.authentication],
  description: "Requests no other authenticator claims become system:anonymous in system:unauthenticated",
  upstream: "kube-apiserver --anonymous-auth=true",
  create: () => ({
    authenticate: (req) =>
      typeof req.headers.authorization === "string" && /^bearer /i.test(req.headers.authorization)
        ? { error: "invalid bearer token" }
        : { user: { name: "system:anonymous", groups: ["system:unauthenticated"] } },
  }),
});
