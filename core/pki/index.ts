export { ensureClusterPki, openClusterCa, type ClusterPki, type ClusterPkiOptions } from "./cluster-pki.js";
export { kubeconfigText, writeKubeconfig, type KubeconfigOptions } from "./kubeconfig.js";
export { identityFromCertificate, type CertificateIdentity } from "./identity.js";
export { apiServerNames, type ServingNames } from "./apiserver-names.js";
export { createCertificateAuthority, loadCertificateAuthority, type CertAndKey, type CertificateAuthority, type LeafRequest } from "./certificate-authority.js";
export { createCertificateRequest, parseCertificateRequest, type ParsedCertificateRequest } from "./certificate-request.js";
export { LEGACY_SERVICE_ACCOUNT_ISSUER, serviceAccountKeyId } from "./service-account-key.js";
