import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { importPKCS8, SignJWT } from "jose";
import { Resources, isConflict, isNotFound, runWorkers, type KubeObject } from "../../../../core/client/index.js";
import type { Controller, ControllerManagerHandle } from "../../../../core/controller-manager/index.js";
import { LEGACY_SERVICE_ACCOUNT_ISSUER, serviceAccountKeyId } from "../../../../core/pki/index.js";

const TOKEN_TYPE = "kubernetes.io/service-account-token";
const NAME = "kubernetes.io/service-account.name";
const UID = "kubernetes.io/service-account.uid";

type Secret = KubeObject & { type?: string; data?: Record<string, string> };

/**
 * Upstream's serviceaccount-token controller, for the secrets users still make: a secret of type
 * kubernetes.io/service-account-token naming a service account gets a legacy token (no expiry,
 * no audience) signed with the cluster's service-account key, `ca.crt` and `namespace`; a secret
 * whose service account is gone (or was recreated with another uid) is deleted.
 */
export class ServiceAccountTokenController implements Controller {
  readonly aliases = ["serviceaccount-token-controller"];

  constructor(private readonly handle: ControllerManagerHandle) {}

  async run(signal: AbortSignal): Promise<void> {
    const { informers, logger, client, dataDir } = this.handle;
    const pki = join(dataDir, "pki");
    let keyPem: string;
    let caCert: string;
    try {
      [keyPem, caCert] = await Promise.all([readFile(join(pki, "sa.key"), "utf8"), readFile(join(pki, "ca.crt"), "utf8")]);
    } catch (err) {
      logger.error({ err: (err as Error).message }, `serviceaccount-token needs the cluster's ${join(pki, "sa.key")} and ca.crt; not running`);
      return;
    }
    const key = await importPKCS8(keyPem, "ES256");
    const kid = serviceAccountKeyId(keyPem);
    const queue = this.handle.newQueue<string>("serviceaccount_tokens_secret");
    const secrets = informers.informerFor(Resources.secrets);
    const accounts = informers.informerFor(Resources.serviceAccounts);
    const enqueue = (s: Secret) => {
      if (s.type === TOKEN_TYPE) queue.add(`${s.metadata.namespace}/${s.metadata.name}`);
    };
    secrets.addEventHandler({ onAdd: enqueue, onUpdate: (_o, s) => enqueue(s) });
    // A deleted or recreated account takes its token secrets with it.
    const accountChanged = (sa: KubeObject) => {
      for (const s of secrets.store.list() as Secret[]) {
        if (s.metadata.namespace === sa.metadata.namespace && s.metadata.annotations?.[NAME] === sa.metadata.name) enqueue(s);
      }
    };
    accounts.addEventHandler({ onAdd: accountChanged, onUpdate: (_o, sa) => accountChanged(sa), onDelete: accountChanged });
    signal.addEventListener("abort", () => void queue.shutDownWithDrain(), { once: true });
    if (!(await informers.waitForCacheSync(signal))) return;

    const sync = async (key_: string) => {
      const [ns, name] = key_.split("/") as [string, string];
      const secret = secrets.store.getBy(ns, name) as Secret | undefined;
      if (!secret || secret.type !== TOKEN_TYPE || secret.metadata.deletionTimestamp) return;
      const saName = secret.metadata.annotations?.[NAME];
      if (!saName) return;
      const sa = accounts.store.getBy(ns, saName);
      const wantedUid = secret.metadata.annotations?.[UID];
      const api = client.resource(Resources.secrets, ns);
      if (!sa || (wantedUid && wantedUid !== sa.metadata.uid)) {
        await api.delete(name, { preconditions: { uid: secret.metadata.uid! } }).catch((err) => {
          if (!isNotFound(err) && !isConflict(err)) throw err;
        });
        return;
      }
      if (secret.data?.token && secret.data["ca.crt"] && secret.data.namespace && wantedUid) return;
      const token = secret.data?.token
        ? Buffer.from(secret.data.token, "base64").toString()
        : await new SignJWT({
            "kubernetes.io/serviceaccount/namespace": ns,
            "kubernetes.io/serviceaccount/secret.name": name,
            "kubernetes.io/serviceaccount/service-account.name": saName,
            "kubernetes.io/serviceaccount/service-account.uid": sa.metadata.uid,
          })
            .setProtectedHeader({ alg: "ES256", kid })
            .setIssuer(LEGACY_SERVICE_ACCOUNT_ISSUER)
            .setSubject(`system:serviceaccount:${ns}:${saName}`)
            .sign(key);
      const b64 = (s: string) => Buffer.from(s).toString("base64");
      const next: Secret = {
        ...structuredClone(secret),
        metadata: { ...structuredClone(secret.metadata), annotations: { ...(secret.metadata.annotations ?? {}), [UID]: sa.metadata.uid! } },
        data: { ...(secret.data ?? {}), token: b64(token), "ca.crt": b64(caCert), namespace: b64(ns) },
      };
      await api.update(next).catch((err) => {
        // The informer brings the newer version, which is queued again.
        if (!isConflict(err) && !isNotFound(err)) throw err;
      });
    };
    await runWorkers(queue, 1, sync, {
      onError: (k, err) => logger.warn({ secret: k, err: (err as Error).message }, "token secret sync failed; retrying"),
    });
  }
}
