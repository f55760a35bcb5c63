import { X509Certificate } from "node:crypto";
import type { PeerCertificate } from "node:tls";

/** Who a client certificate names: user and groups, as upstream's x509 authenticator reads them. */
export interface CertificateIdentity {
  name: string;
  groups: string[];
}

type SubjectValue = string | string[] | undefined;

/**
 * CN is the user and each O a group. The caller must only pass a certificate the TLS layer verified
 * (`socket.authorized`); this reads the subject and trusts it.
 *
 * Node's `getPeerCertificate().subject` holds a string, or an array when an attribute repeats. A Node
 * `X509Certificate` gives the same object through `toLegacyObject()`; its `subject` string escapes
 * special characters and is not worth parsing.
 */
export function identityFromCertificate(peer: Pick<PeerCertificate, "subject"> | X509Certificate): CertificateIdentity {
  const subject = (peer instanceof X509Certificate ? peer.toLegacyObject().subject : peer.subject) as unknown as Record<string, SubjectValue> | undefined;
  const cn = subject?.CN;
  const o = subject?.O;
  // With several CNs Go's pkix.Name keeps the last one, so upstream names the user after it; do the same.
  const name = (Array.isArray(cn) ? cn[cn.length - 1] : cn) ?? "";
  const groups = o === undefined ? [] : Array.isArray(o) ? [...o] : [o];
  return { name, groups };
}
