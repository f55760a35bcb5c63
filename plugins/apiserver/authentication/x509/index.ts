import { definePlugin } from "../../../../core/kernel/define-plugin.js";
import { ApiServer } from "../../../../core/apiserver/points.js";
import type { Authenticator } from "../../../../core/apiserver/chains.js";
import { identityFromCertificate } from "../../../../core/pki/identity.js";

/**
 * Upstream's x509 client-certificate authenticator: a certificate the TLS layer
 * verified against the cluster CA names the user (CN) and groups (O).
 */
export default definePlugin<Record<string, never>, unknown, Authenticator>({
  name: "x509",
  serves: [ApiServer.authentication],
  description: "Client certificates signed by the cluster CA: CN is the user, each O a group",
  upstream: "kube-apiserver --client-ca-file",
  create: () => ({
    authenticate(req) {
      const cert = req.peerCertificate;
      if (!cert || !cert.subject) return undefined;
      const id = identityFromCertificate(cert);
      if (!id.name) return { error: "certificate has no common name" };
      return { user: { name: id.name, groups: id.groups } };
    },
  }),
});
