import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { Resources, isAlreadyExists, isNotFound, runWorkers, type KubeObject } from "../../../../core/client/index.js";
import type { Controller, ControllerManagerHandle } from "../../../../core/controller-manager/index.js";
import type { RootCaCertPublisherArgs } from "../../../../schemas/generated/plugins/controller-manager/root-ca-cert-publisher.args.js";

export type RootCaPublisherArgs = Required<RootCaCertPublisherArgs>;

const NAME = "kube-root-ca.crt";
const DESCRIPTION = "kubernetes.io/description";

interface ConfigMap extends KubeObject {
  data?: Record<string, string>;
}

/**
 * Upstream's root-ca-cert-publisher: every active namespace holds the ConfigMap
 * `kube-root-ca.crt` with the cluster's CA as `ca.crt`, which the service-account token
 * volume projects into pods; an edited or deleted copy is put back.
 */
export class RootCaPublisher implements Controller {
  readonly aliases = ["root-ca-certificate-publisher-controller"];

  constructor(
    private readonly args: RootCaPublisherArgs,
    private readonly handle: ControllerManagerHandle,
  ) {}

  async run(signal: AbortSignal): Promise<void> {
    const { informers, client, logger } = this.handle;
    const ca = readFileSync(resolve(this.handle.dataDir, this.args.rootCAFile), "utf8");
    const queue = this.handle.newQueue<string>("root_ca_cert_publisher");
    const namespaces = informers.informerFor(Resources.namespaces);
    const maps = informers.informerFor<ConfigMap>(Resources.configMaps, { fieldSelector: `metadata.name=${NAME}` });
    namespaces.addEventHandler({ onAdd: (ns) => queue.add(ns.metadata.name!), onUpdate: (_o, ns) => queue.add(ns.metadata.name!) });
    maps.addEventHandler({ onUpdate: (_o, cm) => queue.add(cm.metadata.namespace!), onDelete: (cm) => queue.add(cm.metadata.namespace!) });
    signal.addEventListener("abort", () => void queue.shutDownWithDrain(), { once: true });
    if (!(await informers.waitForCacheSync(signal))) return;

    const sync = async (ns: string) => {
      const namespace = namespaces.store.getBy(undefined, ns);
      if (!namespace || namespace.metadata.deletionTimestamp || (namespace.status as { phase?: string } | undefined)?.phase === "Terminating") return;
      const current = maps.store.getBy(ns, NAME);
      const want = { "ca.crt": ca };
      const rc = client.resource<ConfigMap>(Resources.configMaps, ns);
      try {
        if (!current) {
          await rc.create({ apiVersion: "v1", kind: "ConfigMap", metadata: { name: NAME, namespace: ns, annotations: { [DESCRIPTION]: "Contains a CA bundle that can be used to verify the kube-apiserver when using internal endpoints such as the internal service IP or kubernetes.default.svc. No other usage is guaranteed across distributions of Kubernetes clusters." } }, data: want });
        } else if (JSON.stringify(current.data ?? {}) !== JSON.stringify(want)) {
          await rc.update({ ...current, data: want });
        }
      } catch (err) {
        if (isAlreadyExists(err) || isNotFound(err)) return;
        throw err;
      }
    };
    await runWorkers(queue, this.args.concurrentSyncs, sync, { onError: (key, err) => logger.warn({ namespace: key, err: (err as Error).message }, "publishing kube-root-ca.crt failed; retrying") });
  }
}
