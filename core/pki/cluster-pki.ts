import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { covers, createCA, issue, signingKeyPair, type KeyPairPem } from "./certificates.js";

export interface ClusterPki {
  caCert: string;
  caKey: string;
  serverCert: string;
  serverKey: string;
  adminCert: string;
  adminKey: string;
  saPrivateKey: string;
  saPublicKey: string;
  issueClientCert(o: { commonName: string; organizations?: string[]; days?: number }): Promise<KeyPairPem>;
}

function read(dir: string, base: string): KeyPairPem | undefined {
  const c = join(dir, `${base}.crt`);
  const k = join(dir, `${base}.key`);
  return existsSync(c) && existsSync(k) ? { cert: readFileSync(c, "utf8"), key: readFileSync(k, "utf8") } : undefined;
}

function write(dir: string, base: string, p: KeyPairPem): KeyPairPem {
  writeFileSync(join(dir, `${base}.crt`), p.cert);
  writeFileSync(join(dir, `${base}.key`), p.key, { mode: 0o600 });
  return p;
}

/**
 * The cluster's CA, API-server serving certificate, admin client certificate and
 * service-account signing key, made on first start and reused after; the serving
 * certificate is issued again when it no longer covers the names asked for.
 */
export async function ensureClusterPki(opts: { dir: string; serviceIP: string; extraSANs?: string[] }): Promise<ClusterPki> {
  mkdirSync(opts.dir, { recursive: true, mode: 0o700 });
  const ca = read(opts.dir, "ca") ?? write(opts.dir, "ca", await createCA("kitbash-ca", 3650));
  const isIP = (s: string) => /^[\d.]+$/.test(s) || s.includes(":");
  const extra = opts.extraSANs ?? [];
  const dns = ["localhost", "kubernetes", "kubernetes.default", "kubernetes.default.svc", "kubernetes.default.svc.cluster.local", ...extra.filter((s) => !isIP(s))];
  const ips = [...new Set(["127.0.0.1", "::1", opts.serviceIP, ...extra.filter(isIP)])];
  let server = read(opts.dir, "apiserver");
  if (!server || !covers(server.cert, dns, ips)) server = write(opts.dir, "apiserver", await issue(ca, { commonName: "kube-apiserver", days: 365, server: { dns, ips } }));
  const admin = read(opts.dir, "admin") ?? write(opts.dir, "admin", await issue(ca, { commonName: "kubernetes-admin", organizations: ["system:masters"], days: 365, client: true }));
  let sa: { privateKey: string; publicKey: string };
  if (existsSync(join(opts.dir, "sa.key")) && existsSync(join(opts.dir, "sa.pub"))) {
    sa = { privateKey: readFileSync(join(opts.dir, "sa.key"), "utf8"), publicKey: readFileSync(join(opts.dir, "sa.pub"), "utf8") };
  } else {
    sa = await signingKeyPair();
    writeFileSync(join(opts.dir, "sa.key"), sa.privateKey, { mode: 0o600 });
    writeFileSync(join(opts.dir, "sa.pub"), sa.publicKey);
  }
  return {
    caCert: ca.cert,
    caKey: ca.key,
    serverCert: server.cert,
    serverKey: server.key,
    adminCert: admin.cert,
    adminKey: admin.key,
    saPrivateKey: sa.privateKey,
    saPublicKey: sa.publicKey,
    issueClientCert: (o) => issue(ca, { commonName: o.commonName, organizations: o.organizations ?? [], days: o.days ?? 365, client: true }),
  };
}
