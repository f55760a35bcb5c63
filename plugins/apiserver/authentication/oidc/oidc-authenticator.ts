import { decodeJwt, errors, jwtVerify, type JWTPayload } from "jose";
import type { AuthRequest, AuthResult, Authenticator } from "../../../../core/apiserver/chains.js";
import type { OidcArgs } from "../../../../schemas/generated/plugins/apiserver/oidc.args.js";
import { IssuerKeys } from "./issuer-keys.js";

type Jwt = OidcArgs["jwt"][number];

const MAX_TOKEN_BYTES = 8 * 1024;
const ALGORITHMS = ["RS256", "RS384", "RS512", "ES256", "ES384", "ES512", "PS256", "PS384", "PS512"];

/**
 * Upstream's JWT authenticator of the structured AuthenticationConfiguration: a token whose
 * `iss` is a configured issuer is verified with that issuer's keys, for one of its audiences,
 * checked against the claim validation rules and mapped to a user by the claim mappings.
 */
export class OidcAuthenticator implements Authenticator {
  private readonly issuers: { config: Jwt; keys: IssuerKeys }[];

  constructor(args: OidcArgs) {
    this.issuers = args.jwt.map((config) => ({
      config,
      keys: new IssuerKeys({ url: config.issuer.url, ...(config.issuer.discoveryURL ? { discoveryURL: config.issuer.discoveryURL } : {}), ...(config.issuer.certificateAuthority ? { ca: config.issuer.certificateAuthority } : {}) }),
    }));
  }

  async authenticate(req: AuthRequest): Promise<AuthResult> {
    const h = req.headers.authorization;
    const m = h ? /^bearer\s+(\S+)\s*$/i.exec(h) : null;
    if (!m || m[1]!.length > MAX_TOKEN_BYTES) return undefined;
    const token = m[1]!;
    let iss: string | undefined;
    try {
      iss = decodeJwt(token).iss;
    } catch {
      return undefined;
    }
    const issuer = this.issuers.find((i) => i.config.issuer.url === iss);
    if (!issuer) return undefined;
    const { config } = issuer;
    let payload: JWTPayload;
    try {
      payload = await this.verify(token, issuer);
    } catch (err) {
      return { error: `oidc: verify token: ${(err as Error).message}` };
    }
    for (const rule of config.claimValidationRules ?? []) {
      if (payload[rule.claim] !== rule.requiredValue) return { error: `oidc: required claim ${rule.claim} value does not match` };
    }
    const mappings = config.claimMappings;
    const username = payload[mappings.username.claim];
    if (typeof username !== "string" || !username) return { error: `oidc: claim ${mappings.username.claim} is not a non-empty string` };
    // Upstream accepts an email as username only when the provider has not said it is unverified.
    if (mappings.username.claim === "email" && payload.email_verified !== undefined && payload.email_verified !== true) return { error: "oidc: email not verified" };
    const groups: string[] = [];
    if (mappings.groups) {
      const value = payload[mappings.groups.claim];
      const list = value === undefined ? [] : Array.isArray(value) ? value : [value];
      if (list.some((g) => typeof g !== "string")) return { error: `oidc: claim ${mappings.groups.claim} is not a string or list of strings` };
      groups.push(...(list as string[]).map((g) => mappings.groups!.prefix + g));
    }
    const uid = mappings.uid ? payload[mappings.uid.claim] : undefined;
    if (mappings.uid && uid !== undefined && typeof uid !== "string") return { error: `oidc: claim ${mappings.uid.claim} is not a string` };
    return { user: { name: mappings.username.prefix + username, groups, ...(typeof uid === "string" ? { uid } : {}) } };
  }

  private async verify(token: string, issuer: { config: Jwt; keys: IssuerKeys }): Promise<JWTPayload> {
    const opts = { issuer: issuer.config.issuer.url, audience: issuer.config.issuer.audiences, algorithms: ALGORITHMS, requiredClaims: ["exp"] };
    try {
      return (await jwtVerify(token, await issuer.keys.keySet(), opts)).payload;
    } catch (err) {
      // The provider may have rotated its keys since they were read.
      if (!(err instanceof errors.JWKSNoMatchingKey)) throw err;
      return (await jwtVerify(token, await issuer.keys.keySet(true), opts)).payload;
    }
  }
}
