import type { IncomingHttpHeaders } from "node:http";

/** Larger bearer tokens are refused unread (upstream's JWT authenticators cap token size too). */
export const MAX_TOKEN_BYTES = 8 * 1024;

/** The token of an `Authorization: Bearer` header, or undefined when there is none or it is oversized. */
export function bearerToken(headers: IncomingHttpHeaders): string | undefined {
  const h = headers.authorization;
  if (!h) return undefined;
  const m = /^bearer\s+(\S+)\s*$/i.exec(h);
  if (!m || m[1]!.length > MAX_TOKEN_BYTES) return undefined;
  return m[1];
}
