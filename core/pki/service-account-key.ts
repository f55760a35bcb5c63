import { createHash, createPrivateKey, createPublicKey, type KeyObject } from "node:crypto";
import { join } from "node:path";
import { newKeyPair, privateKeyPem, publicKeyPem, publicKeyPemOf } from "./keys.js";
import { PUBLIC_MODE, SECRET_MODE, readIfPresent, writeFileAtomic } from "./pki-files.js";

export interface ServiceAccountKey {
  privateKey: string;
  publicKey: string;
}

/**
 * `sa.key` signs service-account tokens and `sa.pub` verifies them. The private key is the one that
 * matters: tokens already handed out were signed with it, so it is kept, and `sa.pub` is derived from
 * it whenever missing or stale. A `sa.key` that does not parse is an error rather than a silent rekey.
 */
export async function ensureServiceAccountKey(dir: string): Promise<ServiceAccountKey> {
  const keyFile = join(dir, "sa.key");
  const pubFile = join(dir, "sa.pub");
  let privateKey = await readIfPresent(keyFile);
  if (privateKey === undefined) {
    const keys = await newKeyPair();
    privateKey = privateKeyPem(keys.privateKey);
    await writeFileAtomic(keyFile, privateKey, SECRET_MODE);
    const publicKey = publicKeyPem(keys.publicKey);
    await writeFileAtomic(pubFile, publicKey, PUBLIC_MODE);
    return { privateKey, publicKey };
  }
  try {
    createPrivateKey(privateKey);
  } catch (e) {
    throw new Error(`The service-account key ${keyFile} does not parse (${(e as Error).message}). Remove it to make a new one (existing tokens stop working).`);
  }
  const publicKey = publicKeyPemOf(privateKey);
  if ((await readIfPresent(pubFile)) !== publicKey) await writeFileAtomic(pubFile, publicKey, PUBLIC_MODE);
  return { privateKey, publicKey };
}

/** The `kid` of tokens a key signs, as upstream derives it: the SHA-256 of the public key's DER, base64url. */
export function serviceAccountKeyId(key: KeyObject | string): string {
  const publicKey = typeof key !== "string" && key.type === "public" ? key : createPublicKey(key);
  return createHash("sha256").update(publicKey.export({ type: "spki", format: "der" })).digest("base64url");
}

/** The issuer of legacy (secret-based) service-account tokens, which have no expiry or audience. */
export const LEGACY_SERVICE_ACCOUNT_ISSUER = "kubernetes/serviceaccount";
