import { createServer, type Server } from "node:https";
import type { AddressInfo } from "node:net";
import { SignJWT, exportJWK, generateKeyPair, type CryptoKey } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createCertificateAuthority, loadCertificateAuthority } from "../../../../core/pki/index.js";
import { OidcAuthenticator } from "../../../../plugins/apiserver/authentication/oidc/oidc-authenticator.js";

/** A local HTTPS OpenID provider: discovery and a JWKS whose keys the test rotates. */
describe("oidc authenticator against a local HTTPS issuer", () => {
  let server: Server;
  let issuer = "";
  let caCert = "";
  let keys: { kid: string; privateKey: CryptoKey; publicKey: CryptoKey }[] = [];
  let jwksReads = 0;

  const newKey = async (kid: string) => ({ kid, ...(await generateKeyPair("RS256", { extractable: true })) });

  beforeAll(async () => {
    const caPair = await createCertificateAuthority("test-issuer-ca", 1);
    caCert = caPair.cert;
    const ca = await loadCertificateAuthority(caPair);
    const serving = await ca.issue({ commonName: "issuer", days: 1, serving: { dns: ["localhost"], ips: ["127.0.0.1"] } });
    keys = [await newKey("k1")];
    server = createServer({ key: serving.key, cert: serving.cert }, async (req, res) => {
      res.setHeader("Content-Type", "application/json");
      if (req.url === "/.well-known/openid-configuration") return res.end(JSON.stringify({ issuer, jwks_uri: `${issuer}/keys` }));
      if (req.url === "/keys") {
        jwksReads++;
        return res.end(JSON.stringify({ keys: await Promise.all(keys.map(async (k) => ({ ...(await exportJWK(k.publicKey)), kid: k.kid, alg: "RS256", use: "sig" }))) }));
      }
      res.statusCode = 404;
      res.end("{}");
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    issuer = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  const authenticator = (extra: Record<string, unknown> = {}) =>
    new OidcAuthenticator({
      jwt: [
        {
          issuer: { url: issuer, certificateAuthority: caCert, audiences: ["kubernetes", "other"] },
          claimValidationRules: [{ claim: "hd", requiredValue: "example.com" }],
          claimMappings: { username: { claim: "email", prefix: "oidc:" }, groups: { claim: "groups", prefix: "oidc:" }, uid: { claim: "sub" } },
          ...extra,
        },
      ],
    });
  const claims = { email: "jane@example.com", email_verified: true, groups: ["dev", "ops"], hd: "example.com" };
  const sign = (o: { claims?: Record<string, unknown>; key?: (typeof keys)[number]; aud?: string; iss?: string; exp?: number | string } = {}) => {
    const key = o.key ?? keys[0]!;
    return new SignJWT(o.claims ?? claims).setProtectedHeader({ alg: "RS256", kid: key.kid }).setIssuer(o.iss ?? issuer).setSubject("u-123").setAudience(o.aud ?? "kubernetes").setIssuedAt().setExpirationTime(o.exp ?? "5m").sign(key.privateKey);
  };
  const ask = async (a: OidcAuthenticator, token: string) => a.authenticate({ headers: { authorization: `Bearer ${token}` }, path: "/api" });

  it("maps a valid token's claims to the user, with prefixes", async () => {
    expect(await ask(authenticator(), await sign())).toEqual({ user: { name: "oidc:jane@example.com", uid: "u-123", groups: ["oidc:dev", "oidc:ops"] } });
  });

  it.each([
    ["another audience", () => sign({ aud: "vault" })],
    ["an expired token", () => sign({ exp: Math.floor(Date.now() / 1000) - 120 })],
    ["a failed claim rule", () => sign({ claims: { ...claims, hd: "evil.com" } })],
    ["an unverified email", () => sign({ claims: { ...claims, email_verified: false } })],
    ["a missing username claim", () => sign({ claims: { hd: "example.com" } })],
    ["groups that are not strings", () => sign({ claims: { ...claims, groups: [1, 2] } })],
  ])("refuses %s", async (_name, token) => {
    const r = await ask(authenticator(), await token());
    expect(r).toHaveProperty("error");
  });

  it("refuses a tampered token and one signed by a key the issuer does not publish", async () => {
    const good = await sign();
    const [h, p, s] = good.split(".");
    const forged = `${h}.${Buffer.from(JSON.stringify({ ...JSON.parse(Buffer.from(p!, "base64url").toString()), email: "root@example.com" })).toString("base64url")}.${s}`;
    expect(await ask(authenticator(), forged)).toHaveProperty("error");
    expect(await ask(authenticator(), await sign({ key: await newKey("k1") }))).toHaveProperty("error");
  });

  it("leaves other issuers' tokens and non-JWTs to later authenticators", async () => {
    expect(await ask(authenticator(), await sign({ iss: "https://elsewhere.example" }))).toBeUndefined();
    expect(await ask(authenticator(), "opaque-token")).toBeUndefined();
  });

  it("reads the keys again when the issuer rotates them", async () => {
    const a = authenticator();
    expect(await ask(a, await sign())).toHaveProperty("user");
    const before = jwksReads;
    const rotated = await newKey("k2");
    keys = [rotated];
    // Within 10 s of the last read the set is not fetched again.
    expect(await ask(a, await sign({ key: rotated }))).toHaveProperty("error");
    expect(jwksReads).toBe(before);
    const fresh = authenticator();
    expect(await ask(fresh, await sign({ key: rotated }))).toHaveProperty("user");
  });

  it("an issuer whose TLS the configured CA does not verify yields errors, never a user", async () => {
    const a = new OidcAuthenticator({ jwt: [{ issuer: { url: issuer, audiences: ["kubernetes"] }, claimMappings: { username: { claim: "sub", prefix: "" } } }] });
    const r = await ask(a, await sign());
    expect(r).toHaveProperty("error");
    expect((r as { error: string }).error).toMatch(/certificate/);
  });
});
