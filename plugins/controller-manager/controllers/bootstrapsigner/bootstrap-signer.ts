import { CompactSign } from "jose";
import { Resources, isNotFound, runWorkers, type KubeObject } from "../../../../core/client/index.js";
import type { Controller, ControllerManagerHandle } from "../../../../core/controller-manager/index.js";

interface Secret extends KubeObject {
  type?: string;
  data?: Record<string, string>;
}
interface ConfigMap extends KubeObject {
  data?: Record<string, string>;
}

const JWS_PREFIX = "jws-kubeconfig-";

/** A bootstrap token that may sign: its id and secret, or undefined (wrong type, not for signing, expired). */
export function signingToken(s: Secret, now: number): { id: string; secret: string; expiresAt?: number } | undefined {
  if (s.type !== "bootstrap.kubernetes.io/token" || !s.data) return undefined;
  const get = (k: string) => (s.data![k] ? Buffer.from(s.data![k]!, "base64").toString("utf8") : undefined);
  const id = get("token-id");
  const secret = get("token-secret");
  if (!id || !secret || get("usage-bootstrap-signing") !== "true" || s.metadata.name !== `bootstrap-token-${id}`) return undefined;
  const expiration = get("expiration");
  const expiresAt = expiration ? Date.parse(expiration) : undefined;
  if (expiresAt !== undefined && (Number.isNaN(expiresAt) || expiresAt <= now)) return undefined;
  return expiresAt !== undefined ? { id, secret, expiresAt } : { id, secret };
}

/** A detached JWS (HS256, `kid` the token id) of `content`, keyed by the token secret: `header..signature`. */
export async function detachedSignature(content: string, id: string, secret: string): Promise<string> {
  const jws = await new CompactSign(new TextEncoder().encode(content)).setProtectedHeader({ alg: "HS256", kid: id }).sign(new TextEncoder().encode(secret));
  const [header, , signature] = jws.split(".");
  return `${header}..${signature}`;
}

/**
 * Upstream's bootstrapsigner: kube-public/cluster-info carries, for every bootstrap token
 * usable for signing, `jws-kubeconfig-<id>`: its kubeconfig signed with that token, so a node
 * holding the token can trust the CA it read there. Signatures of gone or expired tokens go.
 */
export class BootstrapSigner implements Controller {
  readonly aliases = ["bootstrap-signer-controller"];
  readonly disabledByDefault = true;

  constructor(private readonly handle: ControllerManagerHandle) {}

  async run(signal: AbortSignal): Promise<void> {
    const { informers, client, logger, clock } = this.handle;
    const queue = this.handle.newQueue<string>("bootstrap_signer_queue");
    const secrets = informers.informerFor<Secret>(Resources.secrets, { namespace: "kube-system" });
    const configMaps = informers.informerFor<ConfigMap>(Resources.configMaps, { namespace: "kube-public", fieldSelector: "metadata.name=cluster-info" });
    const poke = () => queue.add("cluster-info");
    secrets.addEventHandler({ onAdd: poke, onUpdate: poke, onDelete: poke });
    configMaps.addEventHandler({ onAdd: poke, onUpdate: poke });
    signal.addEventListener("abort", () => void queue.shutDownWithDrain(), { once: true });
    if (!(await informers.waitForCacheSync(signal))) return;

    const sync = async () => {
      const cm = configMaps.store.getBy("kube-public", "cluster-info");
      const content = cm?.data?.kubeconfig;
      if (!cm || !content) return;
      const want: Record<string, string> = {};
      for (const s of secrets.store.list()) {
        const t = signingToken(s, clock.now());
        if (!t) continue;
        want[JWS_PREFIX + t.id] = await detachedSignature(content, t.id, t.secret);
        // Its signature must go when it expires, with no event to say so.
        if (t.expiresAt !== undefined) queue.addAfter("cluster-info", t.expiresAt - clock.now() + 1);
      }
      const kept = Object.fromEntries(Object.entries(cm.data ?? {}).filter(([k]) => !k.startsWith(JWS_PREFIX)));
      const next = { ...kept, ...want };
      if (JSON.stringify(Object.entries(next).sort()) === JSON.stringify(Object.entries(cm.data ?? {}).sort())) return;
      try {
        await client.resource<ConfigMap>(Resources.configMaps, "kube-public").update({ ...cm, data: next });
      } catch (err) {
        if (isNotFound(err)) return;
        throw err;
      }
      logger.info({ tokens: Object.keys(want).map((k) => k.slice(JWS_PREFIX.length)) }, "signed cluster-info");
    };
    await runWorkers(queue, 1, sync, { onError: (_k, err) => logger.warn({ err: (err as Error).message }, "signing cluster-info failed; retrying") });
  }
}
