import { Resources, isForbidden, isNotFound, objectKey, runWorkers, splitKey, type KubeObject } from "../../../../core/client/index.js";
import {
  LAST_CHANGE_TRIGGER_TIME,
  TriggerTimeTracker,
  isApiServerService,
  isHeadless,
  selectsPod,
  type Controller,
  type ControllerManagerHandle,
  type Pod,
  type Service,
} from "../../../../core/controller-manager/index.js";
import type { EndpointsControllerArgs as GeneratedArgs } from "../../../../schemas/generated/plugins/controller-manager/endpoints.args.js";
import { desiredSubsets, type EndpointSubset } from "./desired-endpoints.js";

export type EndpointsControllerArgs = Required<GeneratedArgs>;

interface Endpoints extends KubeObject {
  subsets?: EndpointSubset[];
}

const OVER_CAPACITY = "endpoints.kubernetes.io/over-capacity";
const HEADLESS_LABEL = "service.kubernetes.io/headless";

/**
 * Upstream's endpoints controller: one v1 Endpoints per Service with a selector, named as the
 * Service, listing its pods' addresses (ready and not ready) and resolved ports. Pods, Services
 * and deleted Endpoints queue the Service; a deleted Service takes its Endpoints with it.
 */
export class EndpointsController implements Controller {
  readonly aliases = ["endpoint-controller", "endpoints-controller"];

  constructor(
    private readonly args: EndpointsControllerArgs,
    private readonly handle: ControllerManagerHandle,
  ) {}

  async run(signal: AbortSignal): Promise<void> {
    const { informers, logger, client } = this.handle;
    const queue = this.handle.newQueue<string>("endpoint");
    const services = informers.informerFor<Service>(Resources.services);
    const pods = informers.informerFor<Pod>(Resources.pods);
    const endpoints = informers.informerFor<Endpoints>(Resources.endpoints);
    const triggers = new TriggerTimeTracker();

    const queueServicesOf = (pod: Pod) => {
      for (const svc of services.store.byIndex("namespace", pod.metadata.namespace ?? "")) if (selectsPod(svc, pod)) queue.add(objectKey(svc));
    };
    services.addEventHandler({
      onAdd: (svc) => queue.add(objectKey(svc)),
      onUpdate: (_old, svc) => queue.add(objectKey(svc)),
      onDelete: (svc) => queue.add(objectKey(svc)),
    });
    pods.addEventHandler({
      onAdd: queueServicesOf,
      onUpdate: (old, pod) => {
        queueServicesOf(old);
        queueServicesOf(pod);
      },
      onDelete: queueServicesOf,
    });
    endpoints.addEventHandler({
      onDelete: (ep) => {
        if (services.store.get(objectKey(ep))) queue.add(objectKey(ep));
      },
    });
    signal.addEventListener("abort", () => void queue.shutDownWithDrain(), { once: true });
    if (!(await informers.waitForCacheSync(signal))) return;

    const sync = async (key: string) => {
      const { namespace, name } = splitKey(key);
      const rc = client.resource<Endpoints>(Resources.endpoints, namespace);
      const svc = services.store.get(key);
      if (!svc) {
        triggers.forget(key);
        if (namespace === "default" && name === "kubernetes") return;
        await rc.delete(name).catch((err) => (isNotFound(err) ? undefined : Promise.reject(err)));
        return;
      }
      if (isApiServerService(svc) || !svc.spec?.selector || !Object.keys(svc.spec.selector).length) return;
      const selected = pods.store.byIndex("namespace", namespace ?? "").filter((p) => selectsPod(svc, p));
      const { subsets, truncated } = desiredSubsets(svc, selected);
      const trigger = triggers.compute(key, svc, selected);

      const current = endpoints.store.get(key);
      const labels: Record<string, string> = { ...(svc.metadata.labels ?? {}) };
      if (isHeadless(svc)) labels[HEADLESS_LABEL] = "";
      else delete labels[HEADLESS_LABEL];
      const wasTruncated = current?.metadata.annotations?.[OVER_CAPACITY] === "truncated";
      if (current && sameJson(current.subsets ?? [], subsets) && sameJson(current.metadata.labels ?? {}, labels) && wasTruncated === truncated) return trigger.observed();

      const annotations: Record<string, string> = { ...(current?.metadata.annotations ?? {}) };
      if (trigger.time) annotations[LAST_CHANGE_TRIGGER_TIME] = trigger.time;
      else delete annotations[LAST_CHANGE_TRIGGER_TIME];
      if (truncated) annotations[OVER_CAPACITY] = "truncated";
      else delete annotations[OVER_CAPACITY];
      const next: Endpoints = {
        apiVersion: "v1",
        kind: "Endpoints",
        metadata: { ...(current?.metadata ?? {}), name, namespace, labels, annotations },
        subsets,
      };
      if (current) await rc.update(next);
      // A namespace being deleted refuses new objects, and nothing in it needs serving any more.
      else await rc.create(next).catch((err) => (isForbidden(err) ? undefined : Promise.reject(err)));
      trigger.observed();
    };
    await runWorkers(queue, this.args.concurrentSyncs, sync, {
      onError: (key, err) => logger.warn({ service: key, err: (err as Error).message }, "endpoints sync failed; retrying"),
    });
  }
}

function sameJson(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}
