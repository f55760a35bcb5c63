import { Resources, isForbidden, isNotFound, objectKey, runWorkers, splitKey, type KubeObject, type OwnerReference } from "../../../../core/client/index.js";
import {
  LAST_CHANGE_TRIGGER_TIME,
  MANAGED_BY_LABEL,
  SERVICE_NAME_LABEL,
  SliceWriteTracker,
  TriggerTimeTracker,
  isApiServerService,
  isHeadless,
  planSlices,
  selectsPod,
  type Controller,
  type ControllerManagerHandle,
  type Pod,
  type EndpointSlice,
  type Service,
} from "../../../../core/controller-manager/index.js";
import type { EndpointSliceControllerArgs as GeneratedArgs } from "../../../../schemas/generated/plugins/controller-manager/endpointslice.args.js";
import { ZONE_LABEL, desiredGroups, serviceAddressTypes } from "./desired-endpoints.js";

export type EndpointSliceControllerArgs = Required<GeneratedArgs>;

export const MANAGED_BY = "endpointslice-controller.k8s.io";
const HEADLESS_LABEL = "service.kubernetes.io/headless";
const SERVICE_INDEX = "service";

/** Slices by the Service they are for: `namespace/name`. */
const serviceIndex = (s: KubeObject): string[] => {
  const name = s.metadata.labels?.[SERVICE_NAME_LABEL];
  return name ? [`${s.metadata.namespace}/${name}`] : [];
};

/**
 * Upstream's endpointslice controller: discovery.k8s.io/v1 EndpointSlices for every Service with
 * a selector, per address family and port set, at most `maxEndpointsPerSlice` endpoints each,
 * labelled with the Service's name and this controller as manager and owned by the Service (the
 * garbage collector removes them with it).
 */
export class EndpointSliceController implements Controller {
  readonly aliases = ["endpointslice-controller"];

  constructor(
    private readonly args: EndpointSliceControllerArgs,
    private readonly handle: ControllerManagerHandle,
  ) {}

  async run(signal: AbortSignal): Promise<void> {
    const { informers, logger, client } = this.handle;
    const queue = this.handle.newQueue<string>("endpoint_slice");
    const services = informers.informerFor<Service>(Resources.services);
    const pods = informers.informerFor<Pod>(Resources.pods);
    const nodes = informers.informerFor(Resources.nodes);
    const slices = informers.informerFor<EndpointSlice>(Resources.endpointSlices, { labelSelector: `${MANAGED_BY_LABEL}=${MANAGED_BY}` });
    slices.addIndexers({ [SERVICE_INDEX]: serviceIndex });
    const triggers = new TriggerTimeTracker();
    const writes = new SliceWriteTracker();

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
    nodes.addEventHandler({
      // Zones feed the slices' zone fields and hints; a node changing zone touches every Service with pods on it.
      onUpdate: (old, node) => {
        if (old.metadata.labels?.[ZONE_LABEL] === node.metadata.labels?.[ZONE_LABEL]) return;
        for (const pod of pods.store.list()) if ((pod.spec?.nodeName ?? "") === node.metadata.name) queueServicesOf(pod);
      },
    });
    const queueOwner = (s: EndpointSlice) => {
      for (const key of serviceIndex(s)) queue.add(key);
    };
    slices.addEventHandler({ onAdd: queueOwner, onUpdate: (_o, s) => queueOwner(s), onDelete: queueOwner });
    signal.addEventListener("abort", () => void queue.shutDownWithDrain(), { once: true });
    if (!(await informers.waitForCacheSync(signal))) return;

    const sync = async (key: string) => {
      const { namespace } = splitKey(key);
      const svc = services.store.get(key);
      if (!svc) {
        // The slices are owned by the Service; the garbage collector takes them.
        triggers.forget(key);
        writes.forget(key);
        return;
      }
      if (isApiServerService(svc) || !svc.spec?.selector || !Object.keys(svc.spec.selector).length) return;
      const existing = slices.store.byIndex(SERVICE_INDEX, key).filter((s) => s.metadata.ownerReferences?.some((o) => o.uid === svc.metadata.uid));
      if (writes.isStale(key, new Map(existing.map((s) => [s.metadata.name!, s.metadata.resourceVersion ?? ""])))) {
        throw new Error(`EndpointSlices of ${key} in the cache are older than this controller's last writes`);
      }
      const selected = pods.store.byIndex("namespace", namespace ?? "").filter((p) => selectsPod(svc, p));
      const zoneOf = (node: string) => nodes.store.getBy(undefined, node)?.metadata.labels?.[ZONE_LABEL];
      const groups = desiredGroups(svc, selected, zoneOf);
      const plan = planSlices(
        existing.filter((s) => s.addressType !== "FQDN"),
        groups,
        this.args.maxEndpointsPerSlice,
        serviceAddressTypes(svc)[0]!,
      );
      const trigger = triggers.compute(key, svc, selected);
      const labels = sliceLabels(svc);
      const owner: OwnerReference = { apiVersion: "v1", kind: "Service", name: svc.metadata.name!, uid: svc.metadata.uid!, controller: true, blockOwnerDeletion: true };
      const annotations = (prev: Record<string, string> | undefined) => {
        const a = { ...(prev ?? {}) };
        if (trigger.time) a[LAST_CHANGE_TRIGGER_TIME] = trigger.time;
        else delete a[LAST_CHANGE_TRIGGER_TIME];
        return a;
      };
      const rc = client.resource<EndpointSlice>(Resources.endpointSlices, namespace);

      // Kept slices whose labels drifted (the Service's labels changed) are rewritten too.
      const relabel = plan.keep.filter((s) => JSON.stringify(s.metadata.labels ?? {}) !== JSON.stringify(labels));
      for (const u of [...plan.update, ...relabel.map((slice) => ({ slice, endpoints: slice.endpoints ?? [] }))]) {
        const next: EndpointSlice = { ...u.slice, metadata: { ...u.slice.metadata, labels, annotations: annotations(u.slice.metadata.annotations) }, endpoints: u.endpoints };
        await rc.update(next);
        writes.updated(key, u.slice.metadata.name!, u.slice.metadata.resourceVersion ?? "");
      }
      for (const c of plan.create) {
        const body: EndpointSlice = {
          apiVersion: "discovery.k8s.io/v1",
          kind: "EndpointSlice",
          metadata: { generateName: `${svc.metadata.name!.slice(0, 57)}-`, namespace, labels, annotations: annotations(undefined), ownerReferences: [owner] },
          addressType: c.addressType,
          endpoints: c.endpoints,
          ports: c.ports,
        };
        try {
          const made = await rc.create(body);
          writes.created(key, made.metadata.name!);
        } catch (err) {
          // A namespace being deleted refuses new objects, and nothing in it needs serving any more.
          if (isForbidden(err)) return;
          throw err;
        }
      }
      for (const d of plan.delete) {
        await rc.delete(d.metadata.name!).catch((err) => (isNotFound(err) ? undefined : Promise.reject(err)));
        writes.deleted(key, d.metadata.name!);
      }
      trigger.observed();
    };
    await runWorkers(queue, this.args.concurrentSyncs, sync, {
      onError: (key, err) => logger.warn({ service: key, err: (err as Error).message }, "endpointslice sync failed; retrying"),
    });
  }
}

/** The Service's own labels, then the two this controller's slices are found by. */
function sliceLabels(svc: Service): Record<string, string> {
  const labels: Record<string, string> = { ...(svc.metadata.labels ?? {}) };
  delete labels[HEADLESS_LABEL];
  if (isHeadless(svc)) labels[HEADLESS_LABEL] = "";
  labels[SERVICE_NAME_LABEL] = svc.metadata.name!;
  labels[MANAGED_BY_LABEL] = MANAGED_BY;
  return labels;
}
