import * as x509 from "@peculiar/x509";
import { ECDSA_P256, newKeyPair, privateKeyPem } from "./keys.js";

/** What a PKCS#10 certificate request asks for, as a signer checks it. */
export interface ParsedCertificateRequest {
  request: x509.Pkcs10CertificateRequest;
  commonName: string;
  organizations: string[];
  dnsNames: string[];
  ipAddresses: string[];
  emailAddresses: string[];
  uris: string[];
}

/** Parses and verifies (self-signature) a PEM `CERTIFICATE REQUEST`; throws with the reason when it is not one. */
export async function parseCertificateRequest(pem: string): Promise<ParsedCertificateRequest> {
  let request: x509.Pkcs10CertificateRequest;
  try {
    request = new x509.Pkcs10CertificateRequest(pem);
  } catch (err) {
    throw new Error(`not a PEM certificate request: ${(err as Error).message}`);
  }
  if (!(await request.verify())) throw new Error("the certificate request's signature does not verify");
  const subject = request.subjectName.toJSON();
  const values = (type: string) => subject.flatMap((rdn) => (rdn[type] ?? []).map(String));
  const names = subjectAltNames(request)?.names.toJSON() ?? [];
  const of = (type: string) => names.filter((n) => n.type === type).map((n) => n.value);
  return {
    request,
    commonName: values("CN")[0] ?? "",
    organizations: values("O"),
    dnsNames: of("dns"),
    ipAddresses: of("ip"),
    emailAddresses: of("email"),
    uris: of("url"),
  };
}

/** The request's subjectAltName extension, if it asks for one. */
export function subjectAltNames(request: x509.Pkcs10CertificateRequest): x509.SubjectAlternativeNameExtension | undefined {
  const raw = request.getExtension("2.5.29.17");
  return raw ? new x509.SubjectAlternativeNameExtension(raw.rawData) : undefined;
}

/** certificates.k8s.io usages as X.509 key usage bits and extended key usages. */
export function x509Usages(usages: string[]): { keyUsage: number; extended: string[] } {
  const key: Record<string, number> = {
    "digital signature": x509.KeyUsageFlags.digitalSignature,
    "content commitment": x509.KeyUsageFlags.nonRepudiation,
    "key encipherment": x509.KeyUsageFlags.keyEncipherment,
    "data encipherment": x509.KeyUsageFlags.dataEncipherment,
    "key agreement": x509.KeyUsageFlags.keyAgreement,
    "cert sign": x509.KeyUsageFlags.keyCertSign,
    "crl sign": x509.KeyUsageFlags.cRLSign,
    "encipher only": x509.KeyUsageFlags.encipherOnly,
    "decipher only": x509.KeyUsageFlags.decipherOnly,
  };
  const ext: Record<string, string> = {
    "server auth": x509.ExtendedKeyUsage.serverAuth,
    "client auth": x509.ExtendedKeyUsage.clientAuth,
    "code signing": x509.ExtendedKeyUsage.codeSigning,
    "email protection": x509.ExtendedKeyUsage.emailProtection,
    "timestamping": x509.ExtendedKeyUsage.timeStamping,
    "ocsp signing": x509.ExtendedKeyUsage.ocspSigning,
  };
  let keyUsage = 0;
  const extended: string[] = [];
  for (const u of usages) {
    if (key[u] !== undefined) keyUsage |= key[u]!;
    else if (ext[u]) extended.push(ext[u]!);
  }
  return { keyUsage, extended };
}

/**
 * A new key and a PEM certificate request for it (ECDSA P-256): what a kubelet sends to be
 * given its client or serving certificate.
 */
export async function createCertificateRequest(request: { commonName: string; organizations?: string[]; dns?: string[]; ips?: string[] }): Promise<{ csr: string; key: string }> {
  const keys = await newKeyPair();
  const names = [...(request.dns ?? []).map((value) => ({ type: "dns" as const, value })), ...(request.ips ?? []).map((value) => ({ type: "ip" as const, value }))];
  const utf8 = (value: string) => [{ utf8String: value }];
  const csr = await x509.Pkcs10CertificateRequestGenerator.create({
    name: new x509.Name([...(request.organizations ?? []).map((o) => ({ O: utf8(o) })), { CN: utf8(request.commonName) }]),
    keys,
    signingAlgorithm: ECDSA_P256,
    extensions: names.length ? [new x509.SubjectAlternativeNameExtension(names, false)] : [],
  });
  return { csr: csr.toString("pem") + "\n", key: privateKeyPem(keys.privateKey) };
}
