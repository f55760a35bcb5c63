const SAFE_ALPHANUMS = "bcdfghjklmnpqrstvwxz2456789";

/** FNV-1a, 32 bits, over the UTF-8 bytes of `text`. */
export function fnv32a(text: string): number {
  let h = 0x811c9dc5;
  for (const b of Buffer.from(text, "utf8")) {
    h ^= b;
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

/** Upstream's rand.SafeEncodeString: maps each character onto letters and digits that spell no words. */
export function safeEncodeString(s: string): string {
  let out = "";
  for (const ch of s) out += SAFE_ALPHANUMS[ch.charCodeAt(0) % SAFE_ALPHANUMS.length];
  return out;
}

/**
 * The name suffix of a ControllerRevision or pod-template-hash: a hash of `data` (serialised as
 * JSON) and the collision count, safe-encoded, as upstream's controller.ComputeHash does.
 */
export function revisionHash(data: unknown, collisionCount = 0): string {
  const text = JSON.stringify(data) + (collisionCount ? String(collisionCount) : "");
  return safeEncodeString(String(fnv32a(text)));
}
