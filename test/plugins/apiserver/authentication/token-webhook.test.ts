import { createServer, type Server } from "node:https";
import type { AddressInfo } from "node:net";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createCertificateAuthority, kubeconfigText, loadCertificateAuthority } from "../../../../core/pki/index.js";
import tokenWebhook from "../../../../plugins/apiserver/authentication/webhook/index.js";
import type { Authenticator } from "../../../../core/apiserver/chains.js";
import { tempDir } from "../../../support/temp.js";

/** A TokenReview webhook that requires the API server's client certificate and knows one token. */
describe("token-webhook authenticator", () => {
  let server: Server;
  let url = "";
  let ca = { cert: "", key: "" };
  let client = { cert: "", key: "" };
  const seen: any[] = [];
  let mode: "ok" | "garbage" | "500" = "ok";

  beforeAll(async () => {
    ca = await createCertificateAuthority("webhook-ca", 1);
    const authority = await loadCertificateAuthority(ca);
    const serving = await authority.issue({ commonName: "webhook", days: 1, serving: { dns: ["localhost"], ips: ["127.0.0.1"] } });
    client = await authority.issue({ commonName: "kube-apiserver", days: 1, clientAuth: true });
    server = createServer({ key: serving.key, cert: serving.cert, ca: ca.cert, requestCert: true, rejectUnauthorized: true }, (req, res) => {
      let body = "";
      req.on("data", (d) => (body += d));
      req.on("end", () => {
        const review = JSON.parse(body);
        seen.push(review);
        if (mode === "500") return res.writeHead(500).end("{}");
        if (mode === "garbage") return res.end('{"kind":"Pod"}');
        const ok = review.spec.token === "good-token";
        res.setHeader("Content-Type", "application/json");
        res.end(JSON.stringify({ apiVersion: "authentication.k8s.io/v1", kind: "TokenReview", status: ok ? { authenticated: true, user: { username: "webhook-user", uid: "7", groups: ["team"], extra: { scope: ["read"] } }, audiences: ["api"] } : { authenticated: false, error: "unknown token" } }));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    url = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  const build = async (args: Record<string, unknown> = {}) => {
    const file = join(tempDir(), "webhook.kubeconfig");
    writeFileSync(file, kubeconfigText({ server: url, caCert: ca.cert, clientCert: client.cert, clientKey: client.key }));
    const a = (await tokenWebhook.create({ kubeconfig: file, cacheTTLSeconds: 120, timeoutSeconds: 5, ...args } as never, {} as never)) as Authenticator;
    return (token: string) => a.authenticate({ headers: { authorization: `Bearer ${token}` }, path: "/api" });
  };

  it("sends a TokenReview v1 and takes the user it answers", async () => {
    mode = "ok";
    const ask = await build();
    expect(await ask("good-token")).toEqual({ user: { name: "webhook-user", uid: "7", groups: ["team"], extra: { scope: ["read"] } }, audiences: ["api"] });
    expect(seen.at(-1)).toMatchObject({ apiVersion: "authentication.k8s.io/v1", kind: "TokenReview", spec: { token: "good-token" } });
  });

  it("caches answers by token", async () => {
    mode = "ok";
    const ask = await build();
    await ask("good-token");
    const count = seen.length;
    await ask("good-token");
    expect(seen.length).toBe(count);
    const noCache = await build({ cacheTTLSeconds: 0 });
    await noCache("good-token");
    await noCache("good-token");
    expect(seen.length).toBe(count + 2);
  });

  it.each([
    ["a refusal", "ok" as const, "token refused: unknown token"],
    ["a server error", "500" as const, "webhook: HTTP 500"],
    ["an answer that is not a TokenReview", "garbage" as const, "webhook: the response is not a TokenReview"],
  ])("%s fails the token", async (_name, m, error) => {
    mode = m;
    const ask = await build({ cacheTTLSeconds: 0 });
    expect(await ask("bad-token")).toEqual({ error });
  });

  it("refuses a plain-http webhook at start, naming the file", async () => {
    const file = join(tempDir(), "plain.kubeconfig");
    writeFileSync(file, kubeconfigText({ server: "http://127.0.0.1:1", caCert: ca.cert, clientCert: client.cert, clientKey: client.key }));
    await expect(tokenWebhook.create({ kubeconfig: file } as never, {} as never)).rejects.toThrow(`token-webhook: ${file}: the webhook must be served over https, not http://127.0.0.1:1`);
  });
});
