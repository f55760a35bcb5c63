import { POD_TEMPLATE_HASH } from "./annotations.js";
import type { PodTemplate } from "./types.js";

const SAFE_ALPHABET = "bcdfghjklmnpqrstvwxz2456789";

/**
 * JSON with object keys sorted and null fields left out, so equal templates print alike whatever
 * order their fields came in. Upstream compares decoded structs, where `creationTimestamp: null`
 * (which kubectl writes into templates) and no creationTimestamp are the same.
 */
function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(",")}]`;
  if (v && typeof v === "object") {
    const entries = Object.entries(v as Record<string, unknown>)
      .filter(([, x]) => x !== undefined && x !== null)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, x]) => `${JSON.stringify(k)}:${canonical(x)}`).join(",")}}`;
  }
  return JSON.stringify(v);
}

function fnv32a(text: string): number {
  let h = 0x811c9dc5;
  for (const byte of Buffer.from(text, "utf8")) {
    h ^= byte;
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

/**
 * The `pod-template-hash` of a template: FNV-32a over the template (and the collision count,
 * which a name clash raises to move to a fresh hash), printed as upstream does, each decimal
 * digit mapped into an alphabet without vowels so no word is spelled.
 */
export function templateHash(template: PodTemplate, collisionCount?: number): string {
  const h = fnv32a(canonical(template) + (collisionCount ? String(collisionCount) : ""));
  return [...String(h)].map((c) => SAFE_ALPHABET[c.charCodeAt(0) % SAFE_ALPHABET.length]).join("");
}

function withoutHash(t: PodTemplate | undefined): PodTemplate {
  const labels = { ...(t?.metadata?.labels ?? {}) };
  delete labels[POD_TEMPLATE_HASH];
  const metadata = { ...(t?.metadata ?? {}), labels };
  return { ...(t ?? {}), metadata };
}

/** Upstream's EqualIgnoreHash: the same template but for the pod-template-hash label. */
export function equalIgnoringHash(a: PodTemplate | undefined, b: PodTemplate | undefined): boolean {
  return canonical(withoutHash(a)) === canonical(withoutHash(b));
}
