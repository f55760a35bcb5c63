import { randomInt } from "node:crypto";
import { forbiddenMessage } from "../../../../core/api/status.js";
import type { AdmissionPlugin, AdmissionRequest } from "../../../../core/apiserver/chains.js";
import type { ApiServerHandle } from "../../../../core/apiserver/handle.js";

const MOUNT_PATH = "/var/run/secrets/kubernetes.io/serviceaccount";
const VOLUME_PREFIX = "kube-api-access-";
/** Upstream's random-string alphabet (no vowels, no look-alikes). */
const ALPHABET = "bcdfghjklmnpqrstvwxz2456789";
const MIRROR = "kubernetes.io/config.mirror";
/** How long a pod waits for its namespace's default account, which the controller manager creates just after the namespace. */
const DEFAULT_ACCOUNT_WAIT_MS = 2000;

type Obj = Record<string, any>;

/**
 * Upstream's ServiceAccount admission: a pod runs as `default` unless it names an account,
 * the account must exist, and unless automounting is turned off the pod gets the projected
 * `kube-api-access-xxxxx` volume (a bound token, the cluster CA, the namespace) mounted
 * read-only in every container.
 */
export class ServiceAccountAdmission implements AdmissionPlugin {
  constructor(private readonly handle: ApiServerHandle) {}

  async admit(req: AdmissionRequest): Promise<void> {
    if (req.operation !== "CREATE" || req.group !== "" || req.resource !== "pods" || req.subresource || !req.object?.spec || !req.namespace) return;
    const pod = req.object;
    // Mirror pods come from a kubelet's static manifests and may not reach the API as an account.
    if (pod.metadata?.annotations?.[MIRROR] !== undefined) return;
    const spec = pod.spec;
    spec.serviceAccountName ||= "default";
    spec.serviceAccount = spec.serviceAccountName;
    const account = await this.account(req.namespace, spec.serviceAccountName);
    if (!account) {
      throw forbiddenMessage({ group: "", resource: "pods" }, req.name ?? "", `error looking up service account ${req.namespace}/${spec.serviceAccountName}: serviceaccount "${spec.serviceAccountName}" not found`);
    }
    const automount = spec.automountServiceAccountToken ?? account.automountServiceAccountToken ?? true;
    if (!automount) return;
    mountToken(spec);
  }

  private async account(namespace: string, name: string): Promise<Obj | undefined> {
    const get = () => this.handle.cluster.get("", "v1", "serviceaccounts", namespace, name);
    let found = await get();
    // Only `default` is waited for: the controller creates it moments after the namespace.
    for (let waited = 0; !found && name === "default" && waited < DEFAULT_ACCOUNT_WAIT_MS; waited += 100) {
      await new Promise((r) => setTimeout(r, 100));
      found = await get();
    }
    return found;
  }
}

function mountToken(spec: Obj): void {
  const containers: Obj[] = [...(spec.initContainers ?? []), ...(spec.containers ?? [])];
  const volumes: Obj[] = (spec.volumes ??= []);
  let name = volumes.find((v) => typeof v.name === "string" && v.name.startsWith(VOLUME_PREFIX) && v.projected)?.name as string | undefined;
  if (!name) {
    name = VOLUME_PREFIX + Array.from({ length: 5 }, () => ALPHABET[randomInt(ALPHABET.length)]).join("");
    volumes.push({
      name,
      projected: {
        sources: [
          { serviceAccountToken: { expirationSeconds: 3607, path: "token" } },
          { configMap: { name: "kube-root-ca.crt", items: [{ key: "ca.crt", path: "ca.crt" }] } },
          { downwardAPI: { items: [{ path: "namespace", fieldRef: { apiVersion: "v1", fieldPath: "metadata.namespace" } }] } },
        ],
        defaultMode: 420,
      },
    });
  }
  for (const c of containers) {
    const mounts: Obj[] = (c.volumeMounts ??= []);
    if (mounts.some((m) => m.mountPath === MOUNT_PATH)) continue;
    mounts.push({ name, readOnly: true, mountPath: MOUNT_PATH });
  }
}
