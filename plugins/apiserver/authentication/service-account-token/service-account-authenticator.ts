import { decodeJwt, jwtVerify, type JWTPayload } from "jose";
import type { AuthRequest, AuthResult, Authenticator } from "../../../../core/apiserver/chains.js";
import type { ClusterObjects } from "../../../../core/apiserver/cluster-objects.js";
import type { BoundClaims, ServiceAccountTokenFacts } from "../../../../core/apiserver/service-account-issuer.js";
import { bearerToken } from "./bearer.js";

/** Upstream's leeway for a token's times. */
const LEEWAY_SECONDS = 60;
/** A pod being deleted keeps its tokens working this long, as upstream allows. */
const DELETION_GRACE_MS = 60_000;

const ref = (resource: string) => ({ group: "", version: "v1", resource });

/**
 * Bound service-account tokens: a JWT of this server's issuer, signed with its key, for one
 * of the API's audiences, unexpired, whose service account (and pod or secret, when bound)
 * still exists with the uid the token names. Another issuer's JWT is not this plugin's.
 */
export class ServiceAccountTokenAuthenticator implements Authenticator {
  constructor(
    private readonly facts: ServiceAccountTokenFacts,
    private readonly objects: ClusterObjects,
  ) {}

  async authenticate(req: AuthRequest): Promise<AuthResult> {
    const token = bearerToken(req.headers);
    if (!token) return undefined;
    let unverified: JWTPayload;
    try {
      unverified = decodeJwt(token);
    } catch {
      return undefined;
    }
    if (unverified.iss !== this.facts.issuer) return undefined;
    let payload: JWTPayload;
    try {
      const [key] = await this.facts.publicKeys();
      ({ payload } = await jwtVerify(token, key!, { issuer: this.facts.issuer, algorithms: ["ES256"], clockTolerance: LEEWAY_SECONDS, requiredClaims: ["exp", "sub"] }));
    } catch (err) {
      return { error: `invalid bearer token: ${(err as Error).message}` };
    }
    const audiences = (Array.isArray(payload.aud) ? payload.aud : payload.aud ? [payload.aud] : []).filter((a) => this.facts.apiAudiences.includes(a));
    if (!audiences.length) return { error: "token audiences are invalid for the target audiences" };
    const bound = payload["kubernetes.io"] as BoundClaims | undefined;
    if (!bound?.namespace || !bound.serviceaccount?.name) return { error: "token has no service account claims" };
    const ns = bound.namespace;
    const sa = await this.objects.get(ref("serviceaccounts"), ns, bound.serviceaccount.name);
    if (!sa || sa.metadata.uid !== bound.serviceaccount.uid || sa.metadata.deletionTimestamp) return { error: `service account ${ns}/${bound.serviceaccount.name} has been deleted` };
    if (payload.sub !== `system:serviceaccount:${ns}:${bound.serviceaccount.name}`) return { error: "token subject does not name its service account" };
    for (const [kind, claim] of [["pods", bound.pod], ["secrets", bound.secret]] as const) {
      if (!claim) continue;
      const obj = await this.objects.get(ref(kind), ns, claim.name);
      const gone = !obj || obj.metadata.uid !== claim.uid || (obj.metadata.deletionTimestamp && Date.parse(obj.metadata.deletionTimestamp) < Date.now() - DELETION_GRACE_MS);
      if (gone) return { error: `${kind.slice(0, -1)} ${ns}/${claim.name} has been deleted` };
    }
    const extra: Record<string, string[]> = {};
    if (bound.pod) {
      extra["authentication.kubernetes.io/pod-name"] = [bound.pod.name];
      extra["authentication.kubernetes.io/pod-uid"] = [bound.pod.uid];
    }
    if (payload.jti) extra["authentication.kubernetes.io/credential-id"] = [`JTI=${payload.jti}`];
    return {
      user: {
        name: payload.sub,
        uid: bound.serviceaccount.uid,
        groups: ["system:serviceaccounts", `system:serviceaccounts:${ns}`],
        ...(Object.keys(extra).length ? { extra } : {}),
      },
      audiences,
    };
  }
}
