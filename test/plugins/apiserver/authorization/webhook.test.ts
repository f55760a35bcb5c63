import { createServer, type Server } from "node:https";
import type { AddressInfo } from "node:net";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createCertificateAuthority, kubeconfigText, loadCertificateAuthority } from "../../../../core/pki/index.js";
import webhook from "../../../../plugins/apiserver/authorization/webhook/index.js";
import type { Authorizer, RequestAttributes } from "../../../../core/apiserver/chains.js";
import { tempDir } from "../../../support/temp.js";

/** A SubjectAccessReview webhook: alice may read pods, mallory is denied everything, the rest unknown. */
describe("Webhook authorizer", () => {
  let server: Server;
  let url = "";
  let ca = { cert: "", key: "" };
  let client = { cert: "", key: "" };
  const seen: any[] = [];
  let failing = false;

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
        seen.push({ url: req.url, review });
        if (failing) return res.writeHead(503).end("{}");
        const { user, resourceAttributes: ra } = review.spec;
        const status = user === "mallory" ? { allowed: false, denied: true, reason: "mallory is banned" } : user === "alice" && ra?.resource === "pods" && ["get", "list"].includes(ra.verb) ? { allowed: true, reason: "alice reads pods" } : { allowed: false };
        res.setHeader("Content-Type", "application/json");
        res.end(JSON.stringify({ apiVersion: "authorization.k8s.io/v1", kind: "SubjectAccessReview", status }));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    url = `https://127.0.0.1:${(server.address() as AddressInfo).port}/authorize`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  const build = async (args: Record<string, unknown> = {}) => {
    const file = join(tempDir(), "webhook.kubeconfig");
    writeFileSync(file, kubeconfigText({ server: url, caCert: ca.cert, clientCert: client.cert, clientKey: client.key }));
    return (await webhook.create({ kubeconfig: file, ...args } as never, {} as never)) as Authorizer;
  };
  const pods = (user: string, verb: string): RequestAttributes => ({ user: { name: user, groups: ["dev"] }, verb, resourceRequest: true, path: "/api/v1/namespaces/d/pods", apiGroup: "", apiVersion: "v1", namespace: "d", resource: "pods" });

  it.each([
    ["an allowed request", pods("alice", "list"), { decision: "allow", reason: "alice reads pods" }],
    ["an unknown one", pods("alice", "delete"), { decision: "no-opinion" }],
    ["a denied one", pods("mallory", "list"), { decision: "deny", reason: "mallory is banned" }],
  ])("%s", async (_name, attrs, want) => {
    failing = false;
    expect(await (await build({ cacheAuthorizedTTLSeconds: 0, cacheUnauthorizedTTLSeconds: 0 })).authorize(attrs)).toEqual(want);
  });

  it("sends a SubjectAccessReview v1 to the configured path", async () => {
    failing = false;
    await (await build()).authorize({ user: { name: "bob", uid: "9", groups: ["g"] }, verb: "get", resourceRequest: false, path: "/healthz" });
    expect(seen.at(-1)).toEqual({
      url: "/authorize",
      review: { apiVersion: "authorization.k8s.io/v1", kind: "SubjectAccessReview", metadata: { creationTimestamp: null }, spec: { user: "bob", uid: "9", groups: ["g"], nonResourceAttributes: { path: "/healthz", verb: "get" } }, status: { allowed: false } },
    });
  });

  it("caches answers, and a failing webhook throws for the chain to record", async () => {
    failing = false;
    const a = await build();
    await a.authorize(pods("alice", "get"));
    const count = seen.length;
    failing = true;
    expect(await a.authorize(pods("alice", "get"))).toEqual({ decision: "allow", reason: "alice reads pods" });
    expect(seen.length).toBe(count);
    await expect(a.authorize(pods("carol", "get"))).rejects.toThrow("webhook answered HTTP 503");
  });
});
