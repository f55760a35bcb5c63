import { mkdir } from "node:fs/promises";
import { apiServerNames } from "./apiserver-names.js";
import { createCertificateAuthority, loadCertificateAuthority, type CertAndKey, type CertificateAuthority } from "./certificate-authority.js";
import { caProblem, leafProblem, type LeafExpectations } from "./certificate-checks.js";
import { readPair, writePair } from "./pki-files.js";
import { ensureServiceAccountKey } from "./service-account-key.js";

const CA_DAYS = 3650;
const LEAF_DAYS = 365;
const ADMIN = { commonName: "kubernetes-admin", organizations: ["system:masters"] };
/** What the API server presents to kubelets (logs, exec, attach, port-forward), as kubeadm names it. */
const KUBELET_CLIENT = { commonName: "kube-apiserver-kubelet-client", organizations: ["system:masters"] };

/** The cluster's key material as PEM text, and a way to issue more client certificates from its CA. */
export interface ClusterPki {
  caCert: string;
  caKey: string;
  serverCert: string;
  serverKey: string;
  adminCert: string;
  adminKey: string;
  kubeletClientCert: string;
  kubeletClientKey: string;
  /** Signs service-account JWTs (ES256); `sa.key`/`sa.pub`. */
  saPrivateKey: string;
  saPublicKey: string;
  /** A client certificate from the cluster CA; a node's is `CN=system:node:<name>`, `O=system:nodes`. */
  issueClientCert(request: { commonName: string; organizations?: string[]; days?: number }): Promise<CertAndKey>;
}

export interface ClusterPkiOptions {
  /** Where the files live, normally `<dataDir>/pki`. */
  dir: string;
  /** The first IP of the service CIDR, e.g. 10.96.0.1. */
  serviceIP: string;
  /** More names or IPs clients dial (a bind or advertise address, a host name). */
  extraSANs?: string[];
}

/**
 * Loads the CA, or makes one when none is stored. A stored CA that is unusable is an error, not a reason
 * to make a new one: every certificate and kubeconfig handed out trusts it, so replacing it silently
 * would break them all.
 */
async function ensureCA(dir: string): Promise<CertificateAuthority> {
  const stored = await readPair(dir, "ca");
  if (stored) {
    const problem = caProblem(stored);
    if (problem) throw new Error(`The cluster CA in ${dir} is unusable: ${problem}. Remove ${dir} to make a new PKI (existing kubeconfigs and node certificates stop working).`);
    return loadCertificateAuthority(stored);
  }
  return loadCertificateAuthority(await writePair(dir, "ca", await createCertificateAuthority("kitbash-ca", CA_DAYS)));
}

/** A leaf reused while it passes the checks, issued again (and rewritten) otherwise. */
async function ensureLeaf(dir: string, base: string, ca: CertificateAuthority, expect: LeafExpectations, issue: () => Promise<CertAndKey>): Promise<CertAndKey> {
  const stored = await readPair(dir, base);
  if (stored && !leafProblem(stored, ca.cert, expect)) return stored;
  return writePair(dir, base, await issue());
}

/**
 * The cluster's CA, API-server serving certificate, admin client certificate and service-account
 * signing key: made on first start, reused after. Leaves are issued again when they no longer pass
 * (new SANs asked for, near expiry, not from this CA, key lost).
 */
export async function ensureClusterPki(opts: ClusterPkiOptions): Promise<ClusterPki> {
  const { dir } = opts;
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const ca = await ensureCA(dir);
  const names = apiServerNames(opts.serviceIP, opts.extraSANs);
  const [server, admin, kubeletClient, sa] = await Promise.all([
    ensureLeaf(dir, "apiserver", ca, names, () => ca.issue({ commonName: "kube-apiserver", days: LEAF_DAYS, serving: names })),
    ensureLeaf(dir, "admin", ca, ADMIN, () => ca.issue({ ...ADMIN, days: LEAF_DAYS, clientAuth: true })),
    ensureLeaf(dir, "apiserver-kubelet-client", ca, KUBELET_CLIENT, () => ca.issue({ ...KUBELET_CLIENT, days: LEAF_DAYS, clientAuth: true })),
    ensureServiceAccountKey(dir),
  ]);
  return {
    caCert: ca.cert,
    caKey: ca.key,
    serverCert: server.cert,
    serverKey: server.key,
    adminCert: admin.cert,
    adminKey: admin.key,
    kubeletClientCert: kubeletClient.cert,
    kubeletClientKey: kubeletClient.key,
    saPrivateKey: sa.privateKey,
    saPublicKey: sa.publicKey,
    issueClientCert: (r) => ca.issue({ commonName: r.commonName, organizations: r.organizations ?? [], days: r.days ?? LEAF_DAYS, clientAuth: true }),
  };
}

/**
 * The CA an API server already made in `dir`, to issue client certificates for components that
 * join it on the same machine (kubeadm's controller-manager.conf and scheduler.conf). Never makes
 * a CA: without one there is no cluster to join.
 */
export async function openClusterCa(dir: string): Promise<Pick<ClusterPki, "caCert" | "issueClientCert">> {
  const stored = await readPair(dir, "ca");
  if (!stored) throw new Error(`no cluster CA in ${dir} (ca.crt and ca.key); start the API server with this data dir first`);
  const problem = caProblem(stored);
  if (problem) throw new Error(`The cluster CA in ${dir} is unusable: ${problem}`);
  const ca = await loadCertificateAuthority(stored);
  return {
    caCert: ca.cert,
    issueClientCert: (r) => ca.issue({ commonName: r.commonName, organizations: r.organizations ?? [], days: r.days ?? LEAF_DAYS, clientAuth: true }),
  };
}
