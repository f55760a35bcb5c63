import { webcrypto } from "node:crypto";
import * as x509 from "@peculiar/x509";
import { ECDSA_P256, newKeyPair, privateKeyPem, signingKeyFromPem } from "./keys.js";
import { subjectAltNames, x509Usages, type ParsedCertificateRequest } from "./certificate-request.js";

// @peculiar/x509 does its signing through a WebCrypto provider; Node's is complete, so no polyfill is needed.
x509.cryptoProvider.set(webcrypto as never);

const DAY_MS = 24 * 3600 * 1000;
/** Certificates start a little in the past so a node whose clock runs slightly behind still accepts them. */
const BACKDATE_MS = 5 * 60 * 1000;

/** A certificate and its private key, both PEM. */
export interface CertAndKey {
  cert: string;
  key: string;
}

export interface LeafRequest {
  commonName: string;
  organizations?: string[];
  days: number;
  /** DNS names and IPs for a serving certificate (serverAuth); omit for a client-only certificate. */
  serving?: { dns: string[]; ips: string[] };
  /** Adds clientAuth, which Go clients and Node's TLS server check for before accepting a client certificate. */
  clientAuth?: boolean;
}

/**
 * A subject from RDNs with explicitly typed values. Plain strings, whether in a DN or in @peculiar/x509's
 * JSON form, go through its DN unescaping (quotes, backslashes, a leading "#" read as hex), which would
 * turn a CN like `a,b="c"` into `c`; a typed value is stored as given.
 */
function subjectName(commonName: string, organizations: string[] = []): x509.Name {
  const utf8 = (value: string) => [{ utf8String: value }];
  // Go's pkix.Name order (O before CN), as kubeadm's certificates have it.
  return new x509.Name([...organizations.map((o) => ({ O: utf8(o) })), { CN: utf8(commonName) }]);
}

function validity(days: number) {
  const now = Date.now();
  return { notBefore: new Date(now - BACKDATE_MS), notAfter: new Date(now + days * DAY_MS) };
}

/** A new self-signed CA that may sign certificates but not intermediate CAs (path length 0). */
export async function createCertificateAuthority(commonName: string, days: number): Promise<CertAndKey> {
  const keys = await newKeyPair();
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    name: subjectName(commonName),
    ...validity(days),
    keys,
    signingAlgorithm: ECDSA_P256,
    extensions: [
      new x509.BasicConstraintsExtension(true, 0, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign | x509.KeyUsageFlags.digitalSignature, true),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
    ],
  });
  return { cert: cert.toString("pem") + "\n", key: privateKeyPem(keys.privateKey) };
}

/** A CA loaded once, so issuing many certificates parses the CA and imports its key only once. */
export interface CertificateAuthority {
  readonly cert: string;
  readonly key: string;
  issue(request: LeafRequest): Promise<CertAndKey>;
  /**
   * Signs a verified certificate request as it stands (its subject, key and names) with the
   * given certificates.k8s.io usages, valid for `durationMs`: what a CSR signer issues.
   */
  sign(request: ParsedCertificateRequest, usages: string[], durationMs: number): Promise<string>;
}

export async function loadCertificateAuthority(ca: CertAndKey): Promise<CertificateAuthority> {
  const caCert = new x509.X509Certificate(ca.cert);
  const signingKey = await signingKeyFromPem(ca.key);
  // The issuer must be the CA subject's exact encoding: Go matches a chain's issuer to its subject byte for byte.
  const issuer = caCert.subjectName;
  const authorityKeyId = await x509.AuthorityKeyIdentifierExtension.create(caCert, false);
  return {
    cert: ca.cert,
    key: ca.key,
    async issue(request) {
      const keys = await newKeyPair();
      const usages: x509.ExtendedKeyUsageType[] = [];
      if (request.serving) usages.push(x509.ExtendedKeyUsage.serverAuth);
      if (request.clientAuth) usages.push(x509.ExtendedKeyUsage.clientAuth);
      const extensions: x509.Extension[] = [
        new x509.BasicConstraintsExtension(false, undefined, true),
        // ECDSA keys sign; keyEncipherment is an RSA key-transport usage and does not apply.
        new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
        new x509.ExtendedKeyUsageExtension(usages, false),
        authorityKeyId,
      ];
      if (request.serving) {
        const names = [
          ...request.serving.dns.map((value) => ({ type: "dns" as const, value })),
          ...request.serving.ips.map((value) => ({ type: "ip" as const, value })),
        ];
        extensions.push(new x509.SubjectAlternativeNameExtension(names, false));
      }
      const cert = await x509.X509CertificateGenerator.create({
        // No serialNumber: the library draws 16 random bytes and keeps the DER integer positive and minimal.
        subject: subjectName(request.commonName, request.organizations),
        issuer,
        ...validity(request.days),
        signingAlgorithm: ECDSA_P256,
        publicKey: keys.publicKey,
        signingKey,
        extensions,
      });
      return { cert: cert.toString("pem") + "\n", key: privateKeyPem(keys.privateKey) };
    },
    async sign(parsed, usages, durationMs) {
      const { keyUsage, extended } = x509Usages(usages);
      const extensions: x509.Extension[] = [new x509.BasicConstraintsExtension(false, undefined, true), authorityKeyId];
      if (keyUsage) extensions.push(new x509.KeyUsagesExtension(keyUsage, true));
      if (extended.length) extensions.push(new x509.ExtendedKeyUsageExtension(extended, false));
      const san = subjectAltNames(parsed.request);
      if (san) extensions.push(new x509.SubjectAlternativeNameExtension(san.names.toJSON(), false));
      const now = Date.now();
      const caNotAfter = caCert.notAfter.getTime();
      const cert = await x509.X509CertificateGenerator.create({
        subject: parsed.request.subjectName,
        issuer,
        notBefore: new Date(now - BACKDATE_MS),
        // Never past the CA's own expiry, as upstream's signer caps it.
        notAfter: new Date(Math.min(now + durationMs, caNotAfter)),
        signingAlgorithm: ECDSA_P256,
        publicKey: parsed.request.publicKey,
        signingKey,
        extensions,
      });
      return cert.toString("pem") + "\n";
    },
  };
}
