import type { ParsedCertificateRequest } from "../../../../core/pki/index.js";

/** The signers kube-controller-manager's csrsigning controller serves, with what each accepts. */
export const SIGNERS = {
  "kubernetes.io/kube-apiserver-client": checkApiServerClient,
  "kubernetes.io/kube-apiserver-client-kubelet": checkKubeletClient,
  "kubernetes.io/kubelet-serving": checkKubeletServing,
  "kubernetes.io/legacy-unknown": () => undefined,
} as Record<string, (req: ParsedCertificateRequest, usages: string[]) => string | undefined>;

/** Why a request may not be signed, in upstream's words, or undefined when it may. */
function usagesOutside(usages: string[], allowed: string[], required: string[], what: string): string | undefined {
  const bad = usages.filter((u) => !allowed.includes(u));
  if (bad.length) return `invalid usage for ${what}: ${bad.join(", ")}`;
  const missing = required.filter((u) => !usages.includes(u));
  if (missing.length) return `missing required usages for ${what}: ${missing.join(", ")}`;
  return undefined;
}

function checkApiServerClient(_req: ParsedCertificateRequest, usages: string[]): string | undefined {
  return usagesOutside(usages, ["digital signature", "key encipherment", "client auth"], ["client auth"], "client certificate");
}

function nodeSubject(req: ParsedCertificateRequest): string | undefined {
  if (req.organizations.length !== 1 || req.organizations[0] !== "system:nodes") return `subject organization is not system:nodes`;
  if (!req.commonName.startsWith("system:node:") || req.commonName === "system:node:") return `subject common name does not begin with system:node:`;
  return undefined;
}

function checkKubeletClient(req: ParsedCertificateRequest, usages: string[]): string | undefined {
  if (req.dnsNames.length || req.emailAddresses.length || req.ipAddresses.length || req.uris.length) return "DNS, email, IP and URI subjectAltNames are not allowed";
  return nodeSubject(req) ?? usagesOutside(usages, ["digital signature", "key encipherment", "client auth"], ["client auth"], "kubelet client certificate");
}

function checkKubeletServing(req: ParsedCertificateRequest, usages: string[]): string | undefined {
  if (req.emailAddresses.length || req.uris.length) return "email and URI subjectAltNames are not allowed";
  if (!req.dnsNames.length && !req.ipAddresses.length) return "DNS or IP subjectAltName is required";
  return nodeSubject(req) ?? usagesOutside(usages, ["digital signature", "key encipherment", "server auth"], ["server auth"], "kubelet serving certificate");
}
