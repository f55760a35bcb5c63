export { ensureClusterPki, type ClusterPki } from "./cluster-pki.js";
export { kubeconfigText, writeKubeconfig, type KubeconfigOptions } from "./kubeconfig.js";
export { identityFromCertificate } from "./identity.js";
export { createCA, issue, type KeyPairPem } from "./certificates.js";
