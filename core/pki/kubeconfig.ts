import { mkdir } from "node:fs/promises";
import { dirname } from "node:path";
import { stringify } from "yaml";
import { SECRET_MODE, writeFileAtomic } from "./pki-files.js";

export interface KubeconfigOptions {
  /** `https://HOST:PORT`. */
  server: string;
  caCert: string;
  clientCert: string;
  clientKey: string;
  clusterName?: string;
  userName?: string;
  contextName?: string;
  namespace?: string;
}

const base64 = (pem: string) => Buffer.from(pem).toString("base64");

/** A one-cluster, one-user kubeconfig with the certificates inline (`*-data`, base64 PEM), so the file stands alone. */
export function kubeconfigText(o: KubeconfigOptions): string {
  const cluster = o.clusterName ?? "kitbash";
  const user = o.userName ?? "kitbash-admin";
  const context = o.contextName ?? "kitbash";
  return stringify({
    apiVersion: "v1",
    kind: "Config",
    clusters: [{ name: cluster, cluster: { server: o.server, "certificate-authority-data": base64(o.caCert) } }],
    users: [{ name: user, user: { "client-certificate-data": base64(o.clientCert), "client-key-data": base64(o.clientKey) } }],
    contexts: [{ name: context, context: { cluster, user, namespace: o.namespace ?? "default" } }],
    "current-context": context,
    preferences: {},
  });
}

/** Written whole (temp file and rename) with mode 0600: it carries a private key and kubectl may read it at any moment. */
export async function writeKubeconfig(file: string, o: KubeconfigOptions): Promise<void> {
  await mkdir(dirname(file), { recursive: true });
  await writeFileAtomic(file, kubeconfigText(o), SECRET_MODE);
}
