import { KeyObject, createPrivateKey, createPublicKey, webcrypto } from "node:crypto";

type CryptoKey = webcrypto.CryptoKey;
type CryptoKeyPair = webcrypto.CryptoKeyPair;

/**
 * ECDSA P-256 with SHA-256 for every key the cluster makes: fast to generate (milliseconds, unlike RSA),
 * and accepted by Go's TLS stack (kubectl, kubelets) and by JWT verifiers as ES256.
 */
export const ECDSA_P256 = { name: "ECDSA", namedCurve: "P-256", hash: "SHA-256" } as const;

/** A fresh key pair; extractable, because the private half is written to disk. */
export function newKeyPair(): Promise<CryptoKeyPair> {
  return webcrypto.subtle.generateKey(ECDSA_P256, true, ["sign", "verify"]) as Promise<CryptoKeyPair>;
}

/** PKCS#8 PEM ("BEGIN PRIVATE KEY"), which Node, Go's tls.X509KeyPair and jose all read. */
export function privateKeyPem(key: CryptoKey): string {
  return KeyObject.from(key).export({ type: "pkcs8", format: "pem" }) as string;
}

/** SubjectPublicKeyInfo PEM ("BEGIN PUBLIC KEY"). */
export function publicKeyPem(key: CryptoKey | KeyObject): string {
  const object = key instanceof KeyObject ? key : KeyObject.from(key);
  return object.export({ type: "spki", format: "pem" }) as string;
}

/** The public half of a PEM private key, so a lost or stale public-key file can be rebuilt rather than rekeyed. */
export function publicKeyPemOf(privatePem: string): string {
  return publicKeyPem(createPublicKey(createPrivateKey(privatePem)));
}

/** A PEM private key as a WebCrypto signing key (Node 20 has no KeyObject#toCryptoKey yet). */
export function signingKeyFromPem(privatePem: string): Promise<CryptoKey> {
  const der = createPrivateKey(privatePem).export({ type: "pkcs8", format: "der" });
  return webcrypto.subtle.importKey("pkcs8", der, ECDSA_P256, false, ["sign"]) as Promise<CryptoKey>;
}
