import { webcrypto, X509Certificate as NodeX509, createPrivateKey } from "node:crypto";
type CryptoKey = webcrypto.CryptoKey;
type CryptoKeyPair = webcrypto.CryptoKeyPair;
import * as x509 from "@peculiar/x509";

x509.cryptoProvider.set(webcrypto as never);

const ALG = { name: "ECDSA", namedCurve: "P-256", hash: "SHA-256" } as const;
const DAY = 24 * 3600 * 1000;

export interface KeyPairPem {
  cert: string;
  key: string;
}

async function keyPair() {
  return webcrypto.subtle.generateKey(ALG, true, ["sign", "verify"]) as Promise<CryptoKeyPair>;
}

async function pkcs8Pem(key: CryptoKey): Promise<string> {
  const der = Buffer.from(await webcrypto.subtle.exportKey("pkcs8", key));
  return `-----BEGIN PRIVATE KEY-----\n${der.toString("base64").replace(/.{64}/g, "$&\n").replace(/\n?$/, "\n")}-----END PRIVATE KEY-----\n`;
}

async function importKey(pem: string): Promise<CryptoKey> {
  const der = createPrivateKey(pem).export({ format: "der", type: "pkcs8" });
  return webcrypto.subtle.importKey("pkcs8", der, ALG, true, ["sign"]) as Promise<CryptoKey>;
}

const serial = () => Buffer.from(webcrypto.getRandomValues(new Uint8Array(16))).toString("hex").replace(/^[89a-f]/, "1");
const dn = (cn: string, orgs: string[] = []) => [...orgs.map((o) => `O=${o.replace(/([,+=])/g, "\\$1")}`), `CN=${cn}`].join(", ");

export async function createCA(commonName: string, days: number): Promise<KeyPairPem> {
  const keys = await keyPair();
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: serial(),
    name: dn(commonName),
    notBefore: new Date(Date.now() - 60_000),
    notAfter: new Date(Date.now() + days * DAY),
    keys,
    signingAlgorithm: ALG,
    extensions: [new x509.BasicConstraintsExtension(true, undefined, true), new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign | x509.KeyUsageFlags.digitalSignature, true), await x509.SubjectKeyIdentifierExtension.create(keys.publicKey)],
  });
  return { cert: cert.toString("pem") + "\n", key: await pkcs8Pem(keys.privateKey) };
}

export interface LeafOptions {
  commonName: string;
  organizations?: string[];
  days: number;
  server?: { dns: string[]; ips: string[] };
  client?: boolean;
}

export async function issue(ca: KeyPairPem, opts: LeafOptions): Promise<KeyPairPem> {
  const keys = await keyPair();
  const caCert = new x509.X509Certificate(ca.cert);
  const usages: string[] = [];
  if (opts.server) usages.push(x509.ExtendedKeyUsage.serverAuth);
  if (opts.client) usages.push(x509.ExtendedKeyUsage.clientAuth);
  const extensions: x509.Extension[] = [
    new x509.BasicConstraintsExtension(false, undefined, true),
    new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyEncipherment, true),
    new x509.ExtendedKeyUsageExtension(usages, false),
    await x509.AuthorityKeyIdentifierExtension.create(caCert, false),
  ];
  if (opts.server) {
    extensions.push(new x509.SubjectAlternativeNameExtension([...opts.server.dns.map((value) => ({ type: "dns" as const, value })), ...opts.server.ips.map((value) => ({ type: "ip" as const, value }))], false));
  }
  const cert = await x509.X509CertificateGenerator.create({
    serialNumber: serial(),
    subject: dn(opts.commonName, opts.organizations),
    issuer: caCert.subject,
    notBefore: new Date(Date.now() - 60_000),
    notAfter: new Date(Date.now() + opts.days * DAY),
    signingAlgorithm: ALG,
    publicKey: keys.publicKey,
    signingKey: await importKey(ca.key),
    extensions,
  });
  return { cert: cert.toString("pem") + "\n", key: await pkcs8Pem(keys.privateKey) };
}

/** Whether a certificate covers every name and IP asked for and is not near expiry. */
export function covers(certPem: string, dns: string[], ips: string[]): boolean {
  const c = new NodeX509(certPem);
  if (new Date(c.validTo).getTime() - Date.now() < 30 * DAY) return false;
  return dns.every((d) => c.checkHost(d, { subject: "never" }) !== undefined) && ips.every((ip) => c.checkIP(ip) !== undefined);
}

export async function signingKeyPair(): Promise<{ privateKey: string; publicKey: string }> {
  const keys = await keyPair();
  const spki = Buffer.from(await webcrypto.subtle.exportKey("spki", keys.publicKey));
  return { privateKey: await pkcs8Pem(keys.privateKey), publicKey: `-----BEGIN PUBLIC KEY-----\n${spki.toString("base64").replace(/.{64}/g, "$&\n").replace(/\n?$/, "\n")}-----END PUBLIC KEY-----\n` };
}
