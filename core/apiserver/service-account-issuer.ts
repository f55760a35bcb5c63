import { createPrivateKey, createPublicKey, type KeyObject } from "node:crypto";
import { serviceAccountKeyId } from "../pki/index.js";
import { SignJWT, exportJWK } from "jose";
import type { ComponentContext } from "../kernel/component.js";
import type { ApiServerSettings } from "./settings.js";

/** What verifiers of service-account tokens need: who issues them, for whom, with which keys. */
export interface ServiceAccountTokenFacts {
  readonly issuer: string;
  /** The audiences a token must share one of to be accepted by this API server. */
  readonly apiAudiences: readonly string[];
  /** The verification keys; waits for the server to load its key. */
  publicKeys(): Promise<KeyObject[]>;
}

/** The `kubernetes.io` claim of a bound token (upstream's private claims). */
export interface BoundClaims {
  namespace: string;
  serviceaccount: { name: string; uid: string };
  pod?: { name: string; uid: string };
  secret?: { name: string; uid: string };
}

/**
 * The API server's token issuer: signs bound service-account tokens (ES256 with the
 * cluster's `sa.key`, key id from the public key as upstream derives it) and answers
 * OIDC discovery for them.
 */
export class ServiceAccountIssuer implements ServiceAccountTokenFacts {
  readonly issuer: string;
  readonly apiAudiences: readonly string[];
  private key: { privateKey: KeyObject; publicKey: KeyObject; kid: string } | undefined;
  private readonly loaded: Promise<void>;
  private resolveLoaded!: () => void;

  constructor(settings: Pick<ApiServerSettings, "serviceAccountIssuer" | "apiAudiences">) {
    this.issuer = settings.serviceAccountIssuer;
    this.apiAudiences = settings.apiAudiences.length ? settings.apiAudiences : [settings.serviceAccountIssuer];
    this.loaded = new Promise((resolve) => (this.resolveLoaded = resolve));
  }

  /** Called once the PKI is in place. */
  load(privateKeyPem: string): void {
    const privateKey = createPrivateKey(privateKeyPem);
    const publicKey = createPublicKey(privateKey);
    this.key = { privateKey, publicKey, kid: serviceAccountKeyId(publicKey) };
    this.resolveLoaded();
  }

  get available(): boolean {
    return this.key !== undefined;
  }

  async publicKeys(): Promise<KeyObject[]> {
    await this.loaded;
    return [this.key!.publicKey];
  }

  async sign(o: { subject: string; audiences: string[]; issuedAt: number; expiresAt: number; bound: BoundClaims; jti: string }): Promise<string> {
    const key = this.key;
    if (!key) throw new Error("the service-account signing key is not loaded");
    return new SignJWT({ "kubernetes.io": o.bound })
      .setProtectedHeader({ alg: "ES256", kid: key.kid })
      .setIssuer(this.issuer)
      .setSubject(o.subject)
      .setAudience(o.audiences)
      .setIssuedAt(o.issuedAt)
      .setNotBefore(o.issuedAt)
      .setExpirationTime(o.expiresAt)
      .setJti(o.jti)
      .sign(key.privateKey);
  }

  /** `/.well-known/openid-configuration`, pointing at the server's own JWKS. */
  openidConfiguration(serverUrl: string): Record<string, unknown> {
    return {
      issuer: this.issuer,
      jwks_uri: `${serverUrl}/openid/v1/jwks`,
      response_types_supported: ["id_token"],
      subject_types_supported: ["public"],
      id_token_signing_alg_values_supported: ["ES256"],
    };
  }

  /** `/openid/v1/jwks`. */
  async jwks(): Promise<{ keys: Record<string, unknown>[] }> {
    const key = this.key;
    if (!key) return { keys: [] };
    return { keys: [{ ...(await exportJWK(key.publicKey)), use: "sig", alg: "ES256", kid: key.kid }] };
  }
}

const byComponent = new WeakMap<object, ServiceAccountIssuer>();

/** The issuer of one API server instance, shared by its handles and the server. */
export function serviceAccountIssuerOf(ctx: ComponentContext<ApiServerSettings>): ServiceAccountIssuer {
  let issuer = byComponent.get(ctx);
  if (!issuer) byComponent.set(ctx, (issuer = new ServiceAccountIssuer(ctx.settings)));
  return issuer;
}
