import { randomInt } from "node:crypto";
import { join, resolve } from "node:path";
import { KubeClient, Resources, type KubeObject } from "../../core/client/index.js";
import { parseDuration } from "../../core/controller-manager/index.js";
import { Exit } from "../exit-codes.js";
import { loadProfile, type ProfileOptions } from "../load-profile.js";

export interface TokenCreateOptions extends ProfileOptions {
  kubeconfig?: string;
  ttl?: string;
  description?: string;
  groups?: string;
}

const ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789";
const pick = (n: number) => Array.from({ length: n }, () => ALPHABET[randomInt(ALPHABET.length)]).join("");

/**
 * `kitbash token create`: a bootstrap token (kubeadm's format, `[a-z0-9]{6}.[a-z0-9]{16}`) stored
 * as a `bootstrap.kubernetes.io/token` Secret in kube-system, for `kitbash node join`.
 */
export default async function tokenCreate(opts: TokenCreateOptions): Promise<number> {
  const groups = (opts.groups ?? "system:bootstrappers:kubeadm:default-node-token").split(",").map((g) => g.trim()).filter(Boolean);
  const bad = groups.find((g) => !/^system:bootstrappers:[a-z0-9:-]{0,255}[a-z0-9]$/.test(g));
  if (bad) {
    process.stderr.write(`error: --groups: ${bad} is not a bootstrap group (system:bootstrappers:<name>)\n`);
    return Exit.usage;
  }
  let ttlMs: number;
  try {
    ttlMs = opts.ttl === "0" ? 0 : parseDuration(opts.ttl ?? "24h");
  } catch (err) {
    process.stderr.write(`error: --ttl: ${(err as Error).message}\n`);
    return Exit.usage;
  }
  const { resolved } = await loadProfile(opts, "warn");
  const kubeconfig = opts.kubeconfig ? resolve(opts.kubeconfig) : join(resolved.plan.dataDir, "admin.kubeconfig");
  const client = await KubeClient.fromKubeconfig(kubeconfig).catch((err: Error) => {
    process.stderr.write(`error: ${err.message}\n`);
    return undefined;
  });
  if (!client) return Exit.runtime;
  const id = pick(6);
  const secret = pick(16);
  const data: Record<string, string> = {
    "token-id": id,
    "token-secret": secret,
    "usage-bootstrap-authentication": "true",
    "usage-bootstrap-signing": "true",
    "auth-extra-groups": groups.join(","),
    ...(ttlMs > 0 ? { expiration: new Date(Date.now() + ttlMs).toISOString().replace(/\.\d+Z$/, "Z") } : {}),
    ...(opts.description ? { description: opts.description } : {}),
  };
  try {
    await client.resource(Resources.secrets, "kube-system").create({
      apiVersion: "v1",
      kind: "Secret",
      metadata: { name: `bootstrap-token-${id}`, namespace: "kube-system" },
      type: "bootstrap.kubernetes.io/token",
      stringData: data,
    } as KubeObject);
  } catch (err) {
    process.stderr.write(`error: creating the token's Secret: ${(err as Error).message}\n`);
    return Exit.runtime;
  } finally {
    client.close();
  }
  process.stdout.write(`${id}.${secret}\n`);
  return Exit.ok;
}
