import { X509Certificate, createPrivateKey } from "node:crypto";
import type { CertAndKey } from "./certificate-authority.js";
import { identityFromCertificate } from "./identity.js";

const DAY_MS = 24 * 3600 * 1000;
/** Leaves this close to expiry are issued again at start, so a long-running dev cluster does not fail a month later. */
export const RENEW_BEFORE_DAYS = 30;

/** Why a stored certificate and key cannot be used as they are, or undefined when they can. */
export type Problem = string | undefined;

function parse(pem: string): X509Certificate | string {
  try {
    return new X509Certificate(pem);
  } catch (e) {
    return `certificate does not parse (${(e as Error).message})`;
  }
}

function keyProblem(cert: X509Certificate, keyPem: string): Problem {
  try {
    return cert.checkPrivateKey(createPrivateKey(keyPem)) ? undefined : "key does not match certificate";
  } catch (e) {
    return `key does not parse (${(e as Error).message})`;
  }
}

function daysLeft(cert: X509Certificate): number {
  return (new Date(cert.validTo).getTime() - Date.now()) / DAY_MS;
}

/** A CA pair: parses, key matches, is a CA, and has not expired. */
export function caProblem(ca: CertAndKey): Problem {
  const cert = parse(ca.cert);
  if (typeof cert === "string") return cert;
  if (!cert.ca) return "certificate is not a CA";
  if (daysLeft(cert) <= 0) return `certificate expired on ${cert.validTo}`;
  return keyProblem(cert, ca.key);
}

export interface LeafExpectations {
  /** Names and IPs a serving certificate must cover. */
  dns?: string[];
  ips?: string[];
  /** The identity a client certificate must carry. */
  commonName?: string;
  organizations?: string[];
}

/** A leaf pair: signed by this CA, key matches, far enough from expiry, and covering what is expected. */
export function leafProblem(leaf: CertAndKey, caCertPem: string, expect: LeafExpectations = {}): Problem {
  const cert = parse(leaf.cert);
  if (typeof cert === "string") return cert;
  const ca = new X509Certificate(caCertPem);
  // checkIssued compares names; verify checks the signature. Both, because a recreated CA may reuse the name.
  if (!cert.checkIssued(ca) || !cert.verify(ca.publicKey)) return "not signed by the cluster CA";
  if (daysLeft(cert) < RENEW_BEFORE_DAYS) return `expires on ${cert.validTo}`;
  // subject "never": only SANs count, as in Go, which ignores the CN for host names.
  const missingName = (expect.dns ?? []).find((name) => cert.checkHost(name, { subject: "never" }) === undefined);
  if (missingName) return `does not cover ${missingName}`;
  const missingIP = (expect.ips ?? []).find((ip) => cert.checkIP(ip) === undefined);
  if (missingIP) return `does not cover ${missingIP}`;
  if (expect.commonName !== undefined || expect.organizations !== undefined) {
    const id = identityFromCertificate(cert);
    if (expect.commonName !== undefined && id.name !== expect.commonName) return `is for ${id.name}`;
    if (expect.organizations !== undefined && id.groups.join("\n") !== expect.organizations.join("\n")) return `has groups ${id.groups.join(",")}`;
  }
  return keyProblem(cert, leaf.key);
}
