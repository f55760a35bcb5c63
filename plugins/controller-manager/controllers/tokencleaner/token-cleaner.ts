import { Resources, isNotFound, runWorkers, type KubeObject } from "../../../../core/client/index.js";
import type { Controller, ControllerManagerHandle } from "../../../../core/controller-manager/index.js";

interface Secret extends KubeObject {
  type?: string;
  data?: Record<string, string>;
}

/**
 * Upstream's tokencleaner: a bootstrap token Secret is deleted once its `expiration` has
 * passed (each is looked at again at its expiry, so none outlives it by more than a moment).
 */
export class TokenCleaner implements Controller {
  readonly aliases = ["token-cleaner-controller"];
  readonly disabledByDefault = true;

  constructor(private readonly handle: ControllerManagerHandle) {}

  async run(signal: AbortSignal): Promise<void> {
    const { informers, client, logger, clock } = this.handle;
    const queue = this.handle.newQueue<string>("token_cleaner");
    const secrets = informers.informerFor<Secret>(Resources.secrets, { namespace: "kube-system" });
    const consider = (s: Secret) => s.type === "bootstrap.kubernetes.io/token" && queue.add(s.metadata.name!);
    secrets.addEventHandler({ onAdd: consider, onUpdate: (_o, s) => consider(s) });
    signal.addEventListener("abort", () => void queue.shutDownWithDrain(), { once: true });
    if (!(await informers.waitForCacheSync(signal))) return;

    const sync = async (name: string) => {
      const s = secrets.store.getBy("kube-system", name);
      const raw = s?.data?.expiration;
      if (!s || !raw) return;
      const expiresAt = Date.parse(Buffer.from(raw, "base64").toString("utf8"));
      if (Number.isNaN(expiresAt)) return;
      const left = expiresAt - clock.now();
      if (left > 0) return queue.addAfter(name, left + 1);
      try {
        await client.resource(Resources.secrets, "kube-system").delete(name, { preconditions: { uid: s.metadata.uid! } });
        logger.info({ secret: `kube-system/${name}` }, "deleted expired bootstrap token");
      } catch (err) {
        if (!isNotFound(err)) throw err;
      }
    };
    await runWorkers(queue, 1, sync, { onError: (key, err) => logger.warn({ secret: key, err: (err as Error).message }, "cleaning a bootstrap token failed; retrying") });
  }
}
