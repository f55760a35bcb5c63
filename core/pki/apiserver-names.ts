import { isIP } from "node:net";

/** Names pods and in-cluster clients use for the API server, as kubeadm puts them in its serving certificate. */
const IN_CLUSTER_NAMES = ["kubernetes", "kubernetes.default", "kubernetes.default.svc", "kubernetes.default.svc.cluster.local"];

/** Addresses that mean "every interface": listening on one is common, but no client dials it, so it is no SAN. */
const UNSPECIFIED = new Set(["0.0.0.0", "::"]);

export interface ServingNames {
  dns: string[];
  ips: string[];
}

/**
 * The serving certificate's SANs: loopback by name and address, the in-cluster names, the service CIDR's
 * first IP (the `kubernetes` Service's ClusterIP) and any extra names or IPs, sorted into DNS and IP.
 */
export function apiServerNames(serviceIP: string, extraSANs: string[] = []): ServingNames {
  if (!isIP(serviceIP)) throw new Error(`serviceIP must be an IP address, got "${serviceIP}"`);
  const dns = new Set(["localhost", ...IN_CLUSTER_NAMES]);
  const ips = new Set(["127.0.0.1", "::1", serviceIP]);
  for (const raw of extraSANs) {
    // Accept "[::1]" as written in URLs.
    const san = raw.trim().replace(/^\[(.*)\]$/, "$1");
    if (!san || UNSPECIFIED.has(san)) continue;
    if (isIP(san)) ips.add(san);
    else dns.add(san.toLowerCase());
  }
  return { dns: [...dns], ips: [...ips] };
}
