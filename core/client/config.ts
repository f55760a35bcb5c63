import { readFile } from "node:fs/promises";
import { dirname, isAbsolute, join } from "node:path";
import { parse } from "yaml";

/** How to reach and authenticate to an API server; every credential is PEM text in memory. */
export interface ClientConfig {
  /** `https://host:port` (or `http://` for an insecure test server). */
  server: string;
  /** The CA that signed the server's certificate; omit to use the system's roots. */
  ca?: string;
  /** Client certificate and key for x509 authentication. */
  cert?: string;
  key?: string;
  /** A bearer token, for service accounts and static tokens. */
  token?: string;
  insecureSkipTLSVerify?: boolean;
  /** Sent as User-Agent, as upstream's components name themselves. */
  userAgent?: string;
  /** Per-request timeout for everything but watches; 0 waits forever. */
  timeoutMs?: number;
}

interface KubeconfigFile {
  "current-context"?: string;
  clusters?: { name: string; cluster: Record<string, unknown> }[];
  users?: { name: string; user: Record<string, unknown> }[];
  contexts?: { name: string; context: { cluster: string; user: string; namespace?: string } }[];
}

/** Reads a kubeconfig (its current context, or the one named) into a ClientConfig. */
export async function loadKubeconfig(file: string, opts: { context?: string } = {}): Promise<ClientConfig & { namespace?: string }> {
  const text = await readFile(file, "utf8").catch((err: NodeJS.ErrnoException) => {
    throw new Error(`cannot read kubeconfig ${file}: ${err.code === "ENOENT" ? "no such file" : err.message}`);
  });
  let doc: KubeconfigFile;
  try {
    doc = (parse(text) ?? {}) as KubeconfigFile;
  } catch (err) {
    throw new Error(`kubeconfig ${file} is not valid YAML: ${(err as Error).message}`);
  }
  const contextName = opts.context ?? doc["current-context"];
  const context = doc.contexts?.find((c) => c.name === contextName)?.context;
  if (!context) throw new Error(`kubeconfig ${file}: context ${JSON.stringify(contextName ?? "")} not found`);
  const cluster = doc.clusters?.find((c) => c.name === context.cluster)?.cluster;
  if (!cluster) throw new Error(`kubeconfig ${file}: cluster ${JSON.stringify(context.cluster)} (of context ${contextName}) not found`);
  const user = doc.users?.find((u) => u.name === context.user)?.user ?? {};
  if (typeof cluster.server !== "string") throw new Error(`kubeconfig ${file}: cluster ${context.cluster} has no server`);
  const base = dirname(file);
  const material = async (dataKey: string, fileKey: string, from: Record<string, unknown>) => {
    if (typeof from[dataKey] === "string") return Buffer.from(from[dataKey] as string, "base64").toString("utf8");
    if (typeof from[fileKey] === "string") {
      const p = from[fileKey] as string;
      return readFile(isAbsolute(p) ? p : join(base, p), "utf8");
    }
    return undefined;
  };
  const config: ClientConfig & { namespace?: string } = { server: cluster.server };
  const ca = await material("certificate-authority-data", "certificate-authority", cluster);
  const cert = await material("client-certificate-data", "client-certificate", user);
  const key = await material("client-key-data", "client-key", user);
  const token = typeof user.token === "string" ? user.token : await material("__none__", "tokenFile", user);
  if (ca) config.ca = ca;
  if (cert) config.cert = cert;
  if (key) config.key = key;
  if (token) config.token = token.trim();
  if (cluster["insecure-skip-tls-verify"] === true) config.insecureSkipTLSVerify = true;
  if (context.namespace) config.namespace = context.namespace;
  return config;
}
