import { mkdirSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { stringify } from "yaml";

export interface KubeconfigOptions {
  server: string;
  caCert: string;
  clientCert: string;
  clientKey: string;
  clusterName?: string;
  userName?: string;
  contextName?: string;
  namespace?: string;
}

const b64 = (s: string) => Buffer.from(s).toString("base64");

export function kubeconfigText(o: KubeconfigOptions): string {
  const cluster = o.clusterName ?? "kitbash";
  const user = o.userName ?? "kitbash-admin";
  const context = o.contextName ?? "kitbash";
  return stringify({
    apiVersion: "v1",
    kind: "Config",
    clusters: [{ name: cluster, cluster: { server: o.server, "certificate-authority-data": b64(o.caCert) } }],
    users: [{ name: user, user: { "client-certificate-data": b64(o.clientCert), "client-key-data": b64(o.clientKey) } }],
    contexts: [{ name: context, context: { cluster, user, namespace: o.namespace ?? "default" } }],
    "current-context": context,
    preferences: {},
  });
}

export async function writeKubeconfig(file: string, o: KubeconfigOptions): Promise<void> {
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, kubeconfigText(o), { mode: 0o600 });
}
