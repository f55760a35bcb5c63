import { decodeJwt, jwtVerify, type JWTPayload } from "jose";
import type { AuthRequest, AuthResult, Authenticator } from "../../../../core/apiserver/chains.js";
import type { ClusterObjects } from "../../../../core/apiserver/cluster-objects.js";
import type { BoundClaims, ServiceAccountTokenFacts } from "../../../../core/apiserver/service-account-issuer.js";
import { LEGACY_SERVICE_ACCOUNT_ISSUER } from "../../../../core/pki/index.js";
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
    if (unverified.iss === LEGACY_SERVICE_ACCOUNT_ISSUER) return this.legacy(token);
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

  /**
   * A legacy token (from a kubernetes.io/service-account-token secret): no expiry and no
   * audience, valid while its secret holds exactly this token and its service account exists.
   */
  private async legacy(token: string): Promise<AuthResult> {
    let payload: JWTPayload;
    try {
      const [key] = await this.facts.publicKeys();
      ({ payload } = await jwtVerify(token, key!, { issuer: LEGACY_SERVICE_ACCOUNT_ISSUER, algorithms: ["ES256"] }));
    } catch (err) {
      return { error: `invalid bearer token: ${(err as Error).message}` };
    }
    const claim = (k: string) => payload[`kubernetes.io/serviceaccount/${k}`];
    const [ns, secretName, saName, saUid] = [claim("namespace"), claim("secret.name"), claim("service-account.name"), claim("service-account.uid")];
    if (![ns, secretName, saName, saUid].every((v) => typeof v === "string" && v)) return { error: "token has no service account claims" };
    const secret = await this.objects.get(ref("secrets"), ns as string, secretName as string);
    const stored = secret?.data?.token ? Buffer.from(secret.data.token, "base64").toString() : undefined;
    if (!secret || secret.metadata.deletionTimestamp || stored !== token) return { error: `secret ${ns}/${secretName} does not hold this token` };
    const sa = await this.objects.get(ref("serviceaccounts"), ns as string, saName as string);
    if (!sa || sa.metadata.uid !== saUid || sa.metadata.deletionTimestamp) return { error: `service account ${ns}/${saName} has been deleted` };
    return {
      user: { name: `system:serviceaccount:${ns}:${saName}`, uid: saUid as string, groups: ["system:serviceaccounts", `system:serviceaccounts:${ns}`] },
      audiences: [...this.facts.apiAudiences],
    };
  }
}
