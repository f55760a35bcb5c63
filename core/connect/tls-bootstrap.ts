import { X509Certificate, randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { flattenedVerify } from "jose";
import { parse } from "yaml";
import { KubeClient, Resources, loadKubeconfig, type ClientConfig, type KubeObject } from "../client/index.js";
import { createCertificateRequest, writeKubeconfig } from "../pki/index.js";

export interface TlsBootstrapOptions {
  /** The API server to join, `https://host:port`. */
  server: string;
  /** A bootstrap token, `[a-z0-9]{6}.[a-z0-9]{16}` (`kitbash token create`). */
  token: string;
  nodeName: string;
  /** Where `kubelet.kubeconfig` is written, and found again after a restart. */
  dataDir: string;
  /** How long to wait for the certificate to be approved and signed. */
  timeoutMs?: number;
  /** Polling interval while waiting. */
  pollMs?: number;
}

const TOKEN = /^([a-z0-9]{6})\.([a-z0-9]{16})$/;

/**
 * Upstream's kubelet TLS bootstrap with kubeadm's token discovery: the cluster's CA is read from
 * kube-public/cluster-info over an unverified connection and trusted only if the bootstrap
 * token's signature on it verifies; then, as the token's user, a CertificateSigningRequest for
 * `system:node:<name>` is made and the node continues with the certificate the cluster's
 * approver and signer issue. A `kubelet.kubeconfig` still valid from an earlier join is reused.
 */
export async function tlsBootstrap(o: TlsBootstrapOptions): Promise<ClientConfig> {
  const file = join(o.dataDir, "kubelet.kubeconfig");
  if (existsSync(file)) {
    const kept = await loadKubeconfig(file);
    if (kept.cert && new Date(new X509Certificate(kept.cert).validTo).getTime() > Date.now() + 60_000) return kept;
  }
  const m = TOKEN.exec(o.token);
  if (!m) throw new Error("the token is not a bootstrap token ([a-z0-9]{6}.[a-z0-9]{16}, as kitbash token create prints it)");
  const [, id, secret] = m as unknown as [string, string, string];
  const ca = await discoverCa(o.server, id, secret);

  const bootstrap = KubeClient.fromConfig({ server: o.server, ca, token: o.token, userAgent: "kitbash-node-bootstrap" });
  try {
    const { csr, key } = await createCertificateRequest({ commonName: `system:node:${o.nodeName}`, organizations: ["system:nodes"] });
    const name = `node-csr-${randomBytes(8).toString("hex")}`;
    const csrs = bootstrap.resource(Resources.certificateSigningRequests);
    await csrs.create({
      apiVersion: "certificates.k8s.io/v1",
      kind: "CertificateSigningRequest",
      metadata: { name },
      spec: { request: Buffer.from(csr).toString("base64"), signerName: "kubernetes.io/kube-apiserver-client-kubelet", usages: ["digital signature", "client auth"] },
    } as KubeObject);
    const cert = await waitForCertificate(csrs, name, o.timeoutMs ?? 60_000, o.pollMs ?? 250);
    const user = `system:node:${o.nodeName}`;
    await writeKubeconfig(file, { server: o.server, caCert: ca, clientCert: cert, clientKey: key, userName: user, contextName: `${user}@kitbash` });
    return { server: o.server, ca, cert, key };
  } finally {
    bootstrap.close();
  }
}

/** The cluster CA from cluster-info, trusted because the token's JWS over it verifies. */
async function discoverCa(server: string, id: string, secret: string): Promise<string> {
  const anonymous = KubeClient.fromConfig({ server, insecureSkipTLSVerify: true, userAgent: "kitbash-node-bootstrap" });
  let cm: { data?: Record<string, string> };
  try {
    cm = (await anonymous.resource(Resources.configMaps, "kube-public").get("cluster-info")) as { data?: Record<string, string> };
  } catch (err) {
    throw new Error(`cannot read kube-public/cluster-info from ${server}: ${(err as Error).message}`);
  } finally {
    anonymous.close();
  }
  const kubeconfig = cm.data?.kubeconfig;
  const jws = cm.data?.[`jws-kubeconfig-${id}`];
  if (!kubeconfig) throw new Error(`kube-public/cluster-info on ${server} holds no kubeconfig`);
  if (!jws) throw new Error(`kube-public/cluster-info carries no signature for token id ${id}: the token is unknown, expired, not for signing, or not signed yet`);
  const [header, payload, signature] = jws.split(".");
  if (payload !== "" || !header || !signature) throw new Error(`the cluster-info signature for token id ${id} is not a detached JWS`);
  try {
    await flattenedVerify({ protected: header, payload: Buffer.from(kubeconfig).toString("base64url"), signature }, new TextEncoder().encode(secret), { algorithms: ["HS256"] });
  } catch {
    throw new Error(`the cluster-info signature for token id ${id} does not verify with this token: refusing to trust the CA it names`);
  }
  const parsed = parse(kubeconfig) as { clusters?: { cluster?: { "certificate-authority-data"?: string } }[] };
  const data = parsed.clusters?.[0]?.cluster?.["certificate-authority-data"];
  if (!data) throw new Error("the cluster-info kubeconfig names no certificate authority");
  return Buffer.from(data, "base64").toString("utf8");
}

async function waitForCertificate(csrs: ReturnType<KubeClient["resource"]>, name: string, timeoutMs: number, pollMs: number): Promise<string> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const csr = (await csrs.get(name)) as { status?: { certificate?: string; conditions?: { type: string; reason?: string; message?: string }[] } };
    if (csr.status?.certificate) return Buffer.from(csr.status.certificate, "base64").toString("utf8");
    const refused = csr.status?.conditions?.find((c) => c.type === "Denied" || c.type === "Failed");
    if (refused) throw new Error(`the certificate request ${name} was ${refused.type.toLowerCase()}${refused.message ? `: ${refused.message}` : ""}`);
    if (Date.now() > until) throw new Error(`the certificate request ${name} was not approved and signed within ${Math.round(timeoutMs / 1000)} s (are the csrapproving and csrsigning controllers running?)`);
    await new Promise((r) => setTimeout(r, pollMs));
  }
}
