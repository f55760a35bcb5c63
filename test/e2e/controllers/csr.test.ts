import { X509Certificate } from "node:crypto";
import { readFileSync, mkdtempSync, rmSync } from "node:fs";
import { request } from "node:https";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createCertificateRequest } from "../../../core/pki/index.js";
import { startCluster, type Cluster } from "../../support/cluster.js";
import { kitbash } from "../../support/cli.js";
import { until } from "../../support/until.js";

interface Csr {
  status?: { certificate?: string; conditions?: { type: string; reason?: string; message?: string }[] };
}

describe("certificate signing requests: csrapproving and csrsigning", () => {
  const dir = mkdtempSync(join(tmpdir(), "kitbash-csr-"));
  let c: Cluster;
  beforeAll(async () => {
    c = await startCluster(dir);
  }, 60_000);
  afterAll(async () => {
    await c?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  const submit = async (name: string, signerName: string, usages: string[], subject: { commonName: string; organizations?: string[]; dns?: string[] }) => {
    const { csr, key } = await createCertificateRequest(subject);
    const body = { apiVersion: "certificates.k8s.io/v1", kind: "CertificateSigningRequest", metadata: { name }, spec: { request: Buffer.from(csr).toString("base64"), signerName, usages, expirationSeconds: 3600 } };
    expect((await c.api("POST", "/apis/certificates.k8s.io/v1/certificatesigningrequests", JSON.stringify(body))).status).toBe(201);
    return key;
  };
  const read = async (name: string) => JSON.parse((await c.api("GET", `/apis/certificates.k8s.io/v1/certificatesigningrequests/${name}`)).body) as Csr;

  it("approves and signs a kubelet client certificate, which then authenticates as the node", async () => {
    const key = await submit("node-n1", "kubernetes.io/kube-apiserver-client-kubelet", ["digital signature", "client auth"], { commonName: "system:node:n1", organizations: ["system:nodes"] });
    const done = await until("node-n1 to be signed", async () => ((await read("node-n1")).status?.certificate ? read("node-n1") : undefined));
    expect(done.status!.conditions!.find((x) => x.type === "Approved")).toMatchObject({ reason: "AutoApproved", message: "Auto approving kubelet client certificate after SubjectAccessReview." });
    const pem = Buffer.from(done.status!.certificate!, "base64").toString("utf8");
    const cert = new X509Certificate(pem);
    const ca = new X509Certificate(readFileSync(join(dir, "pki", "ca.crt")));
    expect(cert.checkIssued(ca)).toBe(true);
    expect(cert.subject).toMatch(/CN=system:node:n1/);
    const hours = (Date.parse(cert.validTo) - Date.now()) / 3600_000;
    expect(hours).toBeGreaterThan(0.9);
    expect(hours).toBeLessThan(1.1);

    const whoami = await new Promise<string>((resolve, reject) => {
      const req = request(new URL("/apis/authentication.k8s.io/v1/selfsubjectreviews", c.url), { method: "POST", ca: readFileSync(join(dir, "pki", "ca.crt")), cert: pem, key, headers: { "Content-Type": "application/json" } }, (res) => {
        let t = "";
        res.on("data", (d) => (t += d));
        res.on("end", () => resolve(t));
      });
      req.on("error", reject);
      req.end(JSON.stringify({ apiVersion: "authentication.k8s.io/v1", kind: "SelfSubjectReview" }));
    });
    expect(JSON.parse(whoami).status.userInfo).toMatchObject({ username: "system:node:n1", groups: expect.arrayContaining(["system:nodes"]) });
  });

  it("leaves other requests to a person, signs them once approved, and fails one that breaks its signer's rules", async () => {
    await submit("user-jane", "kubernetes.io/kube-apiserver-client", ["client auth"], { commonName: "jane", organizations: ["dev"] });
    await submit("bad-serving", "kubernetes.io/kubelet-serving", ["server auth"], { commonName: "system:node:n1", organizations: ["system:nodes"] });
    await new Promise((r) => setTimeout(r, 1000));
    expect((await read("user-jane")).status?.conditions ?? []).toEqual([]);
    for (const name of ["user-jane", "bad-serving"]) expect((await c.kubectl(["certificate", "approve", name])).code).toBe(0);
    const jane = await until("user-jane to be signed", async () => ((await read("user-jane")).status?.certificate ? read("user-jane") : undefined));
    expect(new X509Certificate(Buffer.from(jane.status!.certificate!, "base64")).subject).toMatch(/CN=jane/);
    const bad = await until("bad-serving to fail", async () => (await read("bad-serving")).status?.conditions?.find((x) => x.type === "Failed"));
    expect(bad).toMatchObject({ reason: "SignerValidationFailure", message: "DNS or IP subjectAltName is required" });
    expect((await read("bad-serving")).status?.certificate).toBeUndefined();
  });

  it("kitbash token create stores a bootstrap token Secret and prints the token", async () => {
    const made = kitbash(["token", "create", "--data-dir", dir, "--ttl", "2h", "--description", "for n2"]);
    expect(made.status).toBe(0);
    const token = made.stdout.trim();
    expect(token).toMatch(/^[a-z0-9]{6}\.[a-z0-9]{16}$/);
    const [id, secret] = token.split(".");
    const stored = JSON.parse((await c.api("GET", `/api/v1/namespaces/kube-system/secrets/bootstrap-token-${id}`)).body) as { type: string; data: Record<string, string> };
    const data = Object.fromEntries(Object.entries(stored.data).map(([k, v]) => [k, Buffer.from(v, "base64").toString()]));
    expect(stored.type).toBe("bootstrap.kubernetes.io/token");
    expect(data).toMatchObject({ "token-id": id, "token-secret": secret, "usage-bootstrap-authentication": "true", "auth-extra-groups": "system:bootstrappers:kubeadm:default-node-token", description: "for n2" });
    const hours = (Date.parse(data.expiration!) - Date.now()) / 3600_000;
    expect(hours).toBeGreaterThan(1.9);
    expect(hours).toBeLessThanOrEqual(2);

    const bad = kitbash(["token", "create", "--data-dir", dir, "--groups", "admins"]);
    expect([bad.status, bad.stderr.trim()]).toEqual([2, "error: --groups: admins is not a bootstrap group (system:bootstrappers:<name>)"]);
  });

  it("cluster-info is public and signed with each bootstrap token; an expired token and its signature go", async () => {
    const anonymous = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = request(new URL("/api/v1/namespaces/kube-public/configmaps/cluster-info", c.url), { ca: readFileSync(join(dir, "pki", "ca.crt")) }, (res) => {
        let t = "";
        res.on("data", (d) => (t += d));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, body: t }));
      });
      req.on("error", reject);
      req.end();
    });
    expect(anonymous.status).toBe(200);
    const kubeconfig = (JSON.parse(anonymous.body) as { data: { kubeconfig: string } }).data.kubeconfig;
    expect(kubeconfig).toContain(`server: ${c.url}`);
    expect(kubeconfig).toContain(`certificate-authority-data: ${readFileSync(join(dir, "pki", "ca.crt")).toString("base64")}`);

    const token = kitbash(["token", "create", "--data-dir", dir, "--ttl", "3s"]).stdout.trim();
    const [id, secret] = token.split(".");
    const signature = await until("the token's signature on cluster-info", async () => {
      const cm = JSON.parse((await c.api("GET", "/api/v1/namespaces/kube-public/configmaps/cluster-info")).body) as { data: Record<string, string> };
      return cm.data[`jws-kubeconfig-${id}`];
    });
    const [header, payload, sig] = signature.split(".");
    expect(payload).toBe("");
    const { flattenedVerify } = await import("jose");
    const verified = await flattenedVerify({ protected: header!, payload: Buffer.from(kubeconfig).toString("base64url"), signature: sig! }, new TextEncoder().encode(secret));
    expect(verified.protectedHeader).toEqual({ alg: "HS256", kid: id });

    await until("the expired token to be deleted", async () => (await c.api("GET", `/api/v1/namespaces/kube-system/secrets/bootstrap-token-${id}`)).status === 404, 15_000);
    await until("its signature to be removed", async () => {
      const cm = JSON.parse((await c.api("GET", "/api/v1/namespaces/kube-public/configmaps/cluster-info")).body) as { data: Record<string, string> };
      return cm.data[`jws-kubeconfig-${id}`] === undefined;
    }, 15_000);
  }, 40_000);
});
