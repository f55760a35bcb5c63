import { spawn } from "node:child_process";
import { request } from "node:https";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { SignJWT, decodeJwt, generateKeyPair, importPKCS8 } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startCluster, type Cluster } from "../../support/cluster.js";
import { kubectlMissing } from "../kubectl/cluster-per-file.js";

const HARDENED = "apiVersion: kitbash.io/v1alpha1\nkind: Profile\nmetadata: {name: hardened-test}\nextends: hardened\n";
const ISSUER = "https://kubernetes.default.svc.cluster.local";
/** Loaded into the server by NODE_OPTIONS: its clock runs this far ahead, so tokens expire without waiting. */
const CLOCK_AHEAD = "const ahead = Number(process.env.KITBASH_TEST_CLOCK_AHEAD_MS); const Real = Date; globalThis.Date = class extends Real { constructor(...a) { super(...(a.length ? a : [Real.now() + ahead])); } static now() { return Real.now() + ahead; } };\n";

describe.skipIf(kubectlMissing)("service-account tokens with the real kubectl (hardened profile)", () => {
  let dir = "";
  let cluster: Cluster;
  const start = async (env: Record<string, string> = {}) => {
    const saved = { ...process.env };
    Object.assign(process.env, env);
    try {
      cluster = await startCluster(join(dir, "data"), ["--profile", join(dir, "profile.yaml")]);
    } finally {
      for (const k of Object.keys(env)) if (saved[k] === undefined) delete process.env[k];
      Object.assign(process.env, saved);
    }
  };
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "kitbash-satokens-"));
    writeFileSync(join(dir, "profile.yaml"), HARDENED);
    await start();
  });
  afterAll(async () => {
    await cluster?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const admin = async (args: string[]) => {
    const r = await cluster.kubectl(args);
    expect(r.stderr, args.join(" ")).toBe("");
    return r.stdout;
  };
  /** kubectl with only a bearer token (stdin closed: kubectl would otherwise ask for a password). */
  const withToken = (token: string, args: string[]) =>
    new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
      const p = spawn("kubectl", ["--server", cluster.url, "--certificate-authority", join(cluster.dataDir, "pki", "ca.crt"), "--token", token, "--cache-dir", join(dir, "cache"), ...args], { stdio: ["ignore", "pipe", "pipe"] });
      let stdout = "";
      let stderr = "";
      p.stdout.on("data", (d) => (stdout += d));
      p.stderr.on("data", (d) => (stderr += d));
      p.on("close", (code) => resolve({ code: code ?? 1, stdout, stderr }));
    });
  /** A raw request with a bearer token and no client certificate. */
  const raw = (token: string, method = "GET", path = "/api/v1/namespaces/default/configmaps", body?: string) =>
    new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = request(new URL(path, cluster.url), { method, ca: readFileSync(join(cluster.dataDir, "pki", "ca.crt")), headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/json" } }, (res) => {
        let text = "";
        res.on("data", (d) => (text += d));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, body: text }));
      });
      req.on("error", reject);
      req.end(body);
    });
  const eventually = async (check: () => Promise<boolean>) => {
    const deadline = Date.now() + 10_000;
    while (!(await check())) {
      if (Date.now() > deadline) throw new Error("timed out");
      await new Promise((r) => setTimeout(r, 200));
    }
  };
  const UNAUTHORIZED = { kind: "Status", apiVersion: "v1", metadata: {}, status: "Failure", message: "Unauthorized", reason: "Unauthorized", code: 401 };

  let tenMinutes = "";

  it("`kubectl create token SA --duration 10m` gives a token that authenticates as the service account", async () => {
    await admin(["create", "serviceaccount", "bot"]);
    await admin(["create", "rolebinding", "bot-view", "--clusterrole=view", "--serviceaccount=default:bot"]);
    tenMinutes = (await admin(["create", "token", "bot", "--duration", "10m"])).trim();
    const claims = decodeJwt(tenMinutes);
    expect(claims).toMatchObject({ iss: ISSUER, aud: [ISSUER], sub: "system:serviceaccount:default:bot" });
    expect(claims.exp! - claims.iat!).toBe(600);
    const who = await withToken(tenMinutes, ["auth", "whoami", "-o", "jsonpath={.status.userInfo.username} {.status.userInfo.groups}"]);
    expect(who.stdout).toBe('system:serviceaccount:default:bot ["system:serviceaccounts","system:serviceaccounts:default","system:authenticated"]');
    await eventually(async () => (await withToken(tenMinutes, ["get", "pods"])).code === 0);
  });

  it("a duration under ten minutes is refused as upstream refuses it", async () => {
    const r = await cluster.kubectl(["create", "token", "bot", "--duration", "5m"]);
    expect(r.stderr).toBe('error: failed to create token: TokenRequest.authentication.k8s.io "bot" is invalid: spec.expirationSeconds: Invalid value: 300: may not specify a duration less than 10 minutes\n');
  });

  it("issuer discovery names the issuer and publishes the key that verifies the tokens", async () => {
    const config = JSON.parse(await admin(["get", "--raw", "/.well-known/openid-configuration"]));
    expect(config).toMatchObject({ issuer: ISSUER, jwks_uri: `${cluster.url}/openid/v1/jwks`, id_token_signing_alg_values_supported: ["ES256"] });
    const jwks = JSON.parse(await admin(["get", "--raw", "/openid/v1/jwks"]));
    expect(jwks.keys).toHaveLength(1);
    expect(jwks.keys[0]).toMatchObject({ kty: "EC", crv: "P-256", alg: "ES256", use: "sig" });
    expect(JSON.parse(Buffer.from(tenMinutes.split(".")[0]!, "base64url").toString()).kid).toBe(jwks.keys[0].kid);
    // A service account may read discovery (system:service-account-issuer-discovery); so may the admin.
    expect((await raw(tenMinutes, "GET", "/openid/v1/jwks")).status).toBe(200);
  });

  it("a token bound to a pod stops working when the pod is deleted", async () => {
    await admin(["run", "holder", "--image=nginx", "--overrides", '{"spec":{"serviceAccountName":"bot"}}']);
    const pod = JSON.parse(await admin(["get", "pod", "holder", "-o", "json"]));
    const r = await cluster.api("POST", "/api/v1/namespaces/default/serviceaccounts/bot/token", JSON.stringify({ apiVersion: "authentication.k8s.io/v1", kind: "TokenRequest", spec: { expirationSeconds: 600, boundObjectRef: { kind: "Pod", apiVersion: "v1", name: "holder", uid: pod.metadata.uid } } }));
    expect(r.status).toBe(201);
    const tr = JSON.parse(r.body);
    expect(tr.spec).toMatchObject({ audiences: [ISSUER], expirationSeconds: 600, boundObjectRef: { kind: "Pod", name: "holder" } });
    const token = tr.status.token as string;
    expect(decodeJwt(token)["kubernetes.io"]).toMatchObject({ namespace: "default", pod: { name: "holder", uid: pod.metadata.uid } });
    const who = JSON.parse((await withToken(token, ["auth", "whoami", "-o", "json"])).stdout);
    expect(who.status.userInfo.extra["authentication.kubernetes.io/pod-name"]).toEqual(["holder"]);
    await admin(["delete", "pod", "holder", "--grace-period=0", "--force"]).catch(() => undefined);
    await eventually(async () => (await raw(token)).status === 401);
    expect(JSON.parse((await raw(token)).body)).toEqual(UNAUTHORIZED);
    // A uid that is not the pod's is refused when the token is asked for.
    await admin(["run", "holder2", "--image=nginx", "--overrides", '{"spec":{"serviceAccountName":"bot"}}']);
    const stale = await cluster.api("POST", "/api/v1/namespaces/default/serviceaccounts/bot/token", JSON.stringify({ spec: { boundObjectRef: { kind: "Pod", apiVersion: "v1", name: "holder2", uid: pod.metadata.uid } } }));
    expect(stale.status).toBe(409);
  });

  it("tampered, wrong-audience, foreign-key and oversized tokens are 401 with no detail, and write nothing", async () => {
    const [head, body, sig] = tenMinutes.split(".");
    const payload = JSON.parse(Buffer.from(body!, "base64url").toString());
    const tampered = `${head}.${Buffer.from(JSON.stringify({ ...payload, sub: "system:serviceaccount:kube-system:admin" })).toString("base64url")}.${sig}`;
    const wrongAudience = (await admin(["create", "token", "bot", "--audience", "vault", "--duration", "10m"])).trim();
    const { privateKey } = await generateKeyPair("ES256");
    const foreign = await new SignJWT({ "kubernetes.io": payload["kubernetes.io"] }).setProtectedHeader({ alg: "ES256" }).setIssuer(ISSUER).setSubject(payload.sub).setAudience([ISSUER]).setIssuedAt().setExpirationTime("10m").sign(privateKey);
    // Past the 8 KiB any authenticator reads, yet under the 16 KiB of headers the server accepts.
    const oversized = `${head}.${"A".repeat(12_000)}.${sig}`;
    const cm = JSON.stringify({ apiVersion: "v1", kind: "ConfigMap", metadata: { name: "written-by-a-bad-token" } });
    for (const bad of [tampered, wrongAudience, foreign, oversized, "not-a-token"]) {
      const r = await raw(bad, "POST", "/api/v1/namespaces/default/configmaps", cm);
      expect(r.status).toBe(401);
      expect(JSON.parse(r.body)).toEqual(UNAUTHORIZED);
    }
    expect((await cluster.kubectl(["get", "configmap", "written-by-a-bad-token"])).code).not.toBe(0);
  });

  it("a legacy token secret is filled by the token controller, works, and goes with its service account", async () => {
    await admin(["create", "serviceaccount", "legacy"]);
    await cluster.kubectl(["apply", "-f", "-"], { input: "apiVersion: v1\nkind: Secret\nmetadata:\n  name: legacy-token\n  annotations:\n    kubernetes.io/service-account.name: legacy\ntype: kubernetes.io/service-account-token\n" });
    let token = "";
    await eventually(async () => {
      const r = await cluster.kubectl(["get", "secret", "legacy-token", "-o", "jsonpath={.data.token}"]);
      token = Buffer.from(r.stdout, "base64").toString();
      return token.length > 0;
    });
    expect(decodeJwt(token)).toMatchObject({ iss: "kubernetes/serviceaccount", sub: "system:serviceaccount:default:legacy", "kubernetes.io/serviceaccount/secret.name": "legacy-token" });
    expect(decodeJwt(token).exp).toBeUndefined();
    expect(JSON.parse((await withToken(token, ["auth", "whoami", "-o", "json"])).stdout).status.userInfo.username).toBe("system:serviceaccount:default:legacy");
    await admin(["delete", "serviceaccount", "legacy"]);
    await eventually(async () => (await cluster.kubectl(["get", "secret", "legacy-token"])).code !== 0);
    expect(JSON.parse((await raw(token)).body)).toEqual(UNAUTHORIZED);
  });

  it("a token past its expiry is refused, while a fresh one works", async () => {
    const key = await importPKCS8(readFileSync(join(cluster.dataDir, "pki", "sa.key"), "utf8"), "ES256");
    const now = Math.floor(Date.now() / 1000);
    const expired = await new SignJWT(decodeJwt(tenMinutes) as Record<string, unknown>).setProtectedHeader({ alg: "ES256" }).setIssuedAt(now - 1200).setNotBefore(now - 1200).setExpirationTime(now - 600).sign(key);
    expect((await raw(expired)).status).toBe(401);
    // The kubectl token of ten minutes, with the server's clock eleven minutes on.
    await cluster.stop();
    const preload = join(dir, "clock-ahead.mjs");
    writeFileSync(preload, CLOCK_AHEAD);
    await start({ NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ""} --import=${preload}`.trim(), KITBASH_TEST_CLOCK_AHEAD_MS: String(11 * 60_000) });
    expect(JSON.parse((await raw(tenMinutes)).body)).toEqual(UNAUTHORIZED);
    const fresh = (await admin(["create", "token", "bot", "--duration", "10m"])).trim();
    await eventually(async () => (await raw(fresh, "GET", "/api/v1/namespaces/default/pods")).status === 200);
  });
});
