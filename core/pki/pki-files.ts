import { randomBytes } from "node:crypto";
import { readFile, rename, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { CertAndKey } from "./certificate-authority.js";

/** Private keys and files that embed them are readable by their owner only. */
export const SECRET_MODE = 0o600;
export const PUBLIC_MODE = 0o644;

/**
 * Writes through a temporary file and a rename, so a crash never leaves a half-written key, and the
 * mode is set on creation even when the file already exists with a wider one.
 */
export async function writeFileAtomic(file: string, text: string, mode: number): Promise<void> {
  const temp = `${file}.${process.pid}.${randomBytes(4).toString("hex")}.tmp`;
  try {
    await writeFile(temp, text, { mode, flag: "wx" });
    await rename(temp, file);
  } catch (e) {
    await rm(temp, { force: true });
    throw e;
  }
}

/** A file's text, or undefined when it does not exist. */
export async function readIfPresent(file: string): Promise<string | undefined> {
  try {
    return await readFile(file, "utf8");
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw e;
  }
}

/** `<base>.crt` and `<base>.key` in dir (kubeadm's naming), or undefined unless both exist. */
export async function readPair(dir: string, base: string): Promise<CertAndKey | undefined> {
  const [cert, key] = await Promise.all([readIfPresent(join(dir, `${base}.crt`)), readIfPresent(join(dir, `${base}.key`))]);
  return cert !== undefined && key !== undefined ? { cert, key } : undefined;
}

/** The key goes first: a certificate on disk then always has its key beside it, from this run or a stale one the checks reject. */
export async function writePair(dir: string, base: string, pair: CertAndKey): Promise<CertAndKey> {
  await writeFileAtomic(join(dir, `${base}.key`), pair.key, SECRET_MODE);
  await writeFileAtomic(join(dir, `${base}.crt`), pair.cert, PUBLIC_MODE);
  return pair;
}
