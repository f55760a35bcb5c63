import type { PeerCertificate } from "node:tls";

/** A verified client certificate's identity: CN is the user, each O a group. */
export function identityFromCertificate(peer: Pick<PeerCertificate, "subject">): { name: string; groups: string[] } {
  const subject = (peer.subject ?? {}) as unknown as Record<string, string | string[] | undefined>;
  const cn = subject.CN;
  const o = subject.O;
  return { name: (Array.isArray(cn) ? cn[0] : cn) ?? "", groups: o === undefined ? [] : Array.isArray(o) ? o : [o] };
}
