import { X509Certificate, createPrivateKey, createPublicKey } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { cp } from "node:fs/promises";
import { request } from "node:https";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { createCertificateAuthority, ensureClusterPki, identityFromCertificate, kubeconfigText, loadCertificateAuthority, writeKubeconfig, type ClusterPki } from "../../core/pki/index.js";
import { kubectlMissingReason, runKubectl } from "./kubectl.js";
import { startTlsStubServer } from "./tls-stub-server.js";

const SERVICE_IP = "10.96.0.1";
const EXTRA = ["kitbash.example", "192.168.56.10", "fd00::10"];
const DAY_MS = 24 * 3600 * 1000;

const mode = (file: string) => statSync(file).mode & 0o777;
const x509 = (pem: string) => new X509Certificate(pem);
const keyMatches = (certPem: string, keyPem: string) => x509(certPem).checkPrivateKey(createPrivateKey(keyPem));
const validDays = (pem: string) => (new Date(x509(pem).validTo).getTime() - Date.now()) / DAY_MS;

describe("ensureClusterPki", () => {
  let root: string;
  let dir: string;
  let pki: ClusterPki;

  beforeAll(async () => {
    root = mkdtempSync(join(tmpdir(), "kitbash-pki-"));
    dir = join(root, "pki");
    const started = performance.now();
    pki = await ensureClusterPki({ dir, serviceIP: SERVICE_IP, extraSANs: EXTRA });
    // Printed, not asserted: the number goes into reports, and a slow CI box should not fail over it.
    console.log(`ensureClusterPki first start: ${(performance.now() - started).toFixed(1)} ms`);
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it("makes a self-signed ECDSA P-256 CA valid for ten years", () => {
    const ca = x509(pki.caCert);
    expect(ca.ca).toBe(true);
    expect(ca.subject).toBe(ca.issuer);
    expect(ca.verify(ca.publicKey)).toBe(true);
    expect(ca.publicKey.asymmetricKeyDetails).toMatchObject({ namedCurve: "prime256v1" });
    expect(validDays(pki.caCert)).toBeGreaterThan(3649);
    expect(validDays(pki.caCert)).toBeLessThan(3651);
  });

  it("signs a one-year serving certificate covering loopback, the in-cluster names, the service IP and the extras", () => {
    const server = x509(pki.serverCert);
    const ca = x509(pki.caCert);
    expect(server.ca).toBe(false);
    expect(server.checkIssued(ca)).toBe(true);
    expect(server.verify(ca.publicKey)).toBe(true);
    for (const host of ["localhost", "kubernetes", "kubernetes.default", "kubernetes.default.svc", "kubernetes.default.svc.cluster.local", "kitbash.example"]) {
      expect(server.checkHost(host, { subject: "never" }), host).toBe(host);
    }
    for (const ip of ["127.0.0.1", "::1", SERVICE_IP, "192.168.56.10", "fd00::10"]) expect(server.checkIP(ip), ip).toBeDefined();
    expect(server.checkHost("kubernetes.example")).toBeUndefined();
    expect(server.checkIP("10.96.0.2")).toBeUndefined();
    expect(server.keyUsage).toContain("1.3.6.1.5.5.7.3.1"); // serverAuth
    expect(validDays(pki.serverCert)).toBeGreaterThan(364);
    expect(validDays(pki.serverCert)).toBeLessThan(366);
  });

  it("signs an admin client certificate for kubernetes-admin in system:masters", () => {
    const admin = x509(pki.adminCert);
    expect(admin.verify(x509(pki.caCert).publicKey)).toBe(true);
    expect(identityFromCertificate(admin)).toEqual({ name: "kubernetes-admin", groups: ["system:masters"] });
    expect(admin.keyUsage).toEqual(["1.3.6.1.5.5.7.3.2"]); // clientAuth only
    expect(validDays(pki.adminCert)).toBeGreaterThan(364);
  });

  it("returns keys that belong to their certificates, and a matching service-account pair", () => {
    expect(keyMatches(pki.caCert, pki.caKey)).toBe(true);
    expect(keyMatches(pki.serverCert, pki.serverKey)).toBe(true);
    expect(keyMatches(pki.adminCert, pki.adminKey)).toBe(true);
    expect(keyMatches(pki.serverCert, pki.adminKey)).toBe(false);
    const saPublic = createPublicKey(pki.saPublicKey).export({ type: "spki", format: "der" });
    expect(createPublicKey(createPrivateKey(pki.saPrivateKey)).export({ type: "spki", format: "der" })).toEqual(saPublic);
  });

  it("writes PEM files with private keys readable by the owner only", () => {
    const files = { "ca.crt": pki.caCert, "ca.key": pki.caKey, "apiserver.crt": pki.serverCert, "apiserver.key": pki.serverKey, "admin.crt": pki.adminCert, "admin.key": pki.adminKey, "sa.key": pki.saPrivateKey, "sa.pub": pki.saPublicKey };
    for (const [name, text] of Object.entries(files)) {
      const file = join(dir, name);
      expect(readFileSync(file, "utf8"), name).toBe(text);
      expect(text, name).toMatch(/^-----BEGIN (CERTIFICATE|PRIVATE KEY|PUBLIC KEY)-----\n/);
      if (name.endsWith(".key")) expect(mode(file), name).toBe(0o600);
    }
  });

  it("reuses everything on a later start", async () => {
    const again = await ensureClusterPki({ dir, serviceIP: SERVICE_IP, extraSANs: EXTRA });
    expect(again.caCert).toBe(pki.caCert);
    expect(again.caKey).toBe(pki.caKey);
    expect(again.serverCert).toBe(pki.serverCert);
    expect(again.adminCert).toBe(pki.adminCert);
    expect(again.saPrivateKey).toBe(pki.saPrivateKey);
  });

  it("issues client certificates from the cluster CA, e.g. for a node", async () => {
    const node = await pki.issueClientCert({ commonName: "system:node:worker-1", organizations: ["system:nodes"], days: 30 });
    const cert = x509(node.cert);
    expect(cert.verify(x509(pki.caCert).publicKey)).toBe(true);
    expect(keyMatches(node.cert, node.key)).toBe(true);
    expect(identityFromCertificate(cert)).toEqual({ name: "system:node:worker-1", groups: ["system:nodes"] });
    expect(validDays(node.cert)).toBeLessThan(31);
  });

  describe("on a copy of the directory", () => {
    const copies: string[] = [];
    /** A copy of the first start's PKI in a new folder, for tests that change files. */
    const copyOfPki = async () => {
      const target = join(mkdtempSync(join(tmpdir(), "kitbash-pki-copy-")), "pki");
      copies.push(dirname(target));
      await cp(dir, target, { recursive: true });
      return target;
    };
    afterAll(() => copies.forEach((d) => rmSync(d, { recursive: true, force: true })));

    it("issues the serving certificate again, from the same CA, when a new SAN is asked for", async () => {
      const other = await copyOfPki();
      const widened = await ensureClusterPki({ dir: other, serviceIP: SERVICE_IP, extraSANs: [...EXTRA, "10.0.0.7", "api.kitbash.example"] });
      expect(widened.caCert).toBe(pki.caCert);
      expect(widened.adminCert).toBe(pki.adminCert);
      expect(widened.serverCert).not.toBe(pki.serverCert);
      const server = x509(widened.serverCert);
      expect(server.checkIP("10.0.0.7")).toBeDefined();
      expect(server.checkHost("api.kitbash.example")).toBe("api.kitbash.example");
      expect(server.verify(x509(pki.caCert).publicKey)).toBe(true);
      expect(readFileSync(join(other, "apiserver.crt"), "utf8")).toBe(widened.serverCert);
      expect(keyMatches(widened.serverCert, readFileSync(join(other, "apiserver.key"), "utf8"))).toBe(true);
    });

    it("issues a leaf again when its key no longer matches, and rebuilds sa.pub from sa.key", async () => {
      const other = await copyOfPki();
      writeFileSync(join(other, "admin.key"), pki.serverKey);
      rmSync(join(other, "sa.pub"));
      const repaired = await ensureClusterPki({ dir: other, serviceIP: SERVICE_IP, extraSANs: EXTRA });
      expect(repaired.adminCert).not.toBe(pki.adminCert);
      expect(keyMatches(repaired.adminCert, repaired.adminKey)).toBe(true);
      expect(repaired.saPrivateKey).toBe(pki.saPrivateKey);
      expect(readFileSync(join(other, "sa.pub"), "utf8")).toBe(pki.saPublicKey);
    });

    it("issues the admin certificate again when it is within 30 days of expiry", async () => {
      const other = await copyOfPki();
      const expiring = await pki.issueClientCert({ commonName: "kubernetes-admin", organizations: ["system:masters"], days: 10 });
      writeFileSync(join(other, "admin.crt"), expiring.cert);
      writeFileSync(join(other, "admin.key"), expiring.key);
      const renewed = await ensureClusterPki({ dir: other, serviceIP: SERVICE_IP, extraSANs: EXTRA });
      expect(renewed.adminCert).not.toBe(expiring.cert);
      expect(validDays(renewed.adminCert)).toBeGreaterThan(364);
      expect(identityFromCertificate(x509(renewed.adminCert))).toEqual({ name: "kubernetes-admin", groups: ["system:masters"] });
    });

    it("refuses a stored CA whose key does not match rather than replacing it", async () => {
      const other = await copyOfPki();
      writeFileSync(join(other, "ca.key"), pki.adminKey);
      await expect(ensureClusterPki({ dir: other, serviceIP: SERVICE_IP })).rejects.toThrow(/cluster CA .* unusable: key does not match/);
      expect(readFileSync(join(other, "ca.crt"), "utf8")).toBe(pki.caCert);
    });
  });

  describe("admin kubeconfig", () => {
    it("has one cluster, user and context with the certificates inline", () => {
      const config = parse(kubeconfigText({ server: "https://127.0.0.1:6443", caCert: pki.caCert, clientCert: pki.adminCert, clientKey: pki.adminKey }));
      expect(config).toEqual({
        apiVersion: "v1",
        kind: "Config",
        clusters: [{ name: "kitbash", cluster: { server: "https://127.0.0.1:6443", "certificate-authority-data": expect.any(String) } }],
        users: [{ name: "kitbash-admin", user: { "client-certificate-data": expect.any(String), "client-key-data": expect.any(String) } }],
        contexts: [{ name: "kitbash", context: { cluster: "kitbash", user: "kitbash-admin", namespace: "default" } }],
        "current-context": "kitbash",
        preferences: {},
      });
      const decode = (b64: string) => Buffer.from(b64, "base64").toString("utf8");
      expect(decode(config.clusters[0].cluster["certificate-authority-data"])).toBe(pki.caCert);
      expect(decode(config.users[0].user["client-certificate-data"])).toBe(pki.adminCert);
      expect(decode(config.users[0].user["client-key-data"])).toBe(pki.adminKey);
    });

    it("takes other names and a namespace", () => {
      const config = parse(kubeconfigText({ server: "https://10.0.0.1:443", caCert: pki.caCert, clientCert: pki.adminCert, clientKey: pki.adminKey, clusterName: "c", userName: "u", contextName: "x", namespace: "kube-system" }));
      expect(config.contexts).toEqual([{ name: "x", context: { cluster: "c", user: "u", namespace: "kube-system" } }]);
      expect(config["current-context"]).toBe("x");
    });

    it("is rewritten whole with mode 0600, even over a file with a wider mode", async () => {
      const file = join(root, "admin.kubeconfig");
      writeFileSync(file, "stale", { mode: 0o644 });
      await writeKubeconfig(file, { server: "https://127.0.0.1:40001", caCert: pki.caCert, clientCert: pki.adminCert, clientKey: pki.adminKey });
      expect(mode(file)).toBe(0o600);
      expect(parse(readFileSync(file, "utf8")).clusters[0].cluster.server).toBe("https://127.0.0.1:40001");
    });
  });

  describe("over TLS", () => {
    const noKubectl = kubectlMissingReason();
    if (noKubectl) console.warn(`skipping the kubectl test: ${noKubectl}`);

    it.skipIf(noKubectl)("serves the real kubectl, which presents the admin certificate the server verifies", async () => {
      const server = await startTlsStubServer({ key: pki.serverKey, cert: pki.serverCert, ca: pki.caCert });
      try {
        const kubeconfig = join(root, "kubectl.kubeconfig");
        await writeKubeconfig(kubeconfig, { server: server.url, caCert: pki.caCert, clientCert: pki.adminCert, clientKey: pki.adminKey });
        const result = await runKubectl(["--kubeconfig", kubeconfig, "--cache-dir", join(root, "kubectl-cache"), "get", "--raw", "/healthz"]);
        expect(result, result.stderr).toMatchObject({ code: 0, stdout: "ok" });
        const healthz = server.seen.find((r) => r.path === "/healthz");
        expect(healthz, JSON.stringify(server.seen)).toBeDefined();
        expect(healthz).toMatchObject({ userAgent: expect.stringMatching(/^kubectl\/v1\.32\./), authorized: true, identity: { name: "kubernetes-admin", groups: ["system:masters"] } });
        // The dispatcher's /version probe came over the same TLS setup, so it was verified too.
        expect(server.seen.every((r) => r.authorized)).toBe(true);
      } finally {
        await server.close();
      }
    });

    it("does not verify a client certificate from another CA", async () => {
      const stranger = await loadCertificateAuthority(await createCertificateAuthority("stranger-ca", 1));
      const impostor = await stranger.issue({ commonName: "kubernetes-admin", organizations: ["system:masters"], days: 1, clientAuth: true });
      const server = await startTlsStubServer({ key: pki.serverKey, cert: pki.serverCert, ca: pki.caCert });
      try {
        const status = await new Promise<number>((resolve, reject) => {
          const req = request(`${server.url}/healthz`, { ca: pki.caCert, cert: impostor.cert, key: impostor.key, timeout: 10_000 }, (res) => {
            res.resume();
            res.on("end", () => resolve(res.statusCode ?? 0));
          });
          req.on("timeout", () => req.destroy(new Error("timed out")));
          req.on("error", reject);
          req.end();
        });
        expect(status).toBe(200);
        expect(server.seen).toEqual([expect.objectContaining({ path: "/healthz", authorized: false })]);
      } finally {
        await server.close();
      }
    });
  });

  it("rejects a service IP that is not an IP", async () => {
    await expect(ensureClusterPki({ dir: join(root, "bad"), serviceIP: "10.96.0.0/12" })).rejects.toThrow(/serviceIP/);
  });
});
