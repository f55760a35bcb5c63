import { Resources, isForbidden, isNotFound, objectKey, runWorkers, splitKey, type KubeObject, type OwnerReference, type ResourceClient } from "../../../../core/client/index.js";
import {
  MANAGED_BY_LABEL,
  SERVICE_NAME_LABEL,
  SliceWriteTracker,
  isApiServerService,
  planSlices,
  type Controller,
  type ControllerManagerHandle,
  type EndpointSlice,
  type Service,
} from "../../../../core/controller-manager/index.js";
import type { EndpointSliceMirroringControllerArgs as GeneratedArgs } from "../../../../schemas/generated/plugins/controller-manager/endpointslicemirroring.args.js";
import { mirroredGroups, type EndpointSubset } from "./mirrored-endpoints.js";

export type EndpointSliceMirroringControllerArgs = Required<GeneratedArgs>;

export const MIRRORING_MANAGER = "endpointslicemirroring-controller.k8s.io";
const SKIP_MIRROR = "endpointslice.kubernetes.io/skip-mirror";
const LAST_APPLIED = "kubectl.kubernetes.io/last-applied-configuration";
const SOURCE_INDEX = "source";

interface Endpoints extends KubeObject {
  subsets?: EndpointSubset[];
}

const sourceIndex = (s: KubeObject): string[] => {
  const name = s.metadata.labels?.[SERVICE_NAME_LABEL];
  return name ? [`${s.metadata.namespace}/${name}`] : [];
};

/**
 * Upstream's endpointslicemirroring controller: Endpoints written by hand for a Service without
 * a selector are mirrored into EndpointSlices (managed by endpointslicemirroring-controller.k8s.io,
 * owned by the Endpoints), so that slice readers such as kube-proxy see them. Endpoints labelled
 * skip-mirror (the API server's own `kubernetes`), Services with a selector (the endpointslice
 * controller's) and Endpoints without a Service get no mirrored slices; ones made before are
 * deleted.
 */
export class EndpointSliceMirroringController implements Controller {
  readonly aliases = ["endpointslice-mirroring-controller"];

  constructor(
    private readonly args: EndpointSliceMirroringControllerArgs,
    private readonly handle: ControllerManagerHandle,
  ) {}

  async run(signal: AbortSignal): Promise<void> {
    const { informers, logger, client } = this.handle;
    const queue = this.handle.newQueue<string>("endpoint_slice_mirroring");
    const endpoints = informers.informerFor<Endpoints>(Resources.endpoints);
    const services = informers.informerFor<Service>(Resources.services);
    const slices = informers.informerFor<EndpointSlice>(Resources.endpointSlices, { labelSelector: `${MANAGED_BY_LABEL}=${MIRRORING_MANAGER}` });
    slices.addIndexers({ [SOURCE_INDEX]: sourceIndex });
    const writes = new SliceWriteTracker();
    const add = (o: KubeObject) => queue.add(objectKey(o));
    endpoints.addEventHandler({ onAdd: add, onUpdate: (_o, e) => add(e), onDelete: add });
    services.addEventHandler({ onAdd: add, onUpdate: (_o, s) => add(s), onDelete: add });
    const addSource = (s: EndpointSlice) => sourceIndex(s).forEach((k) => queue.add(k));
    slices.addEventHandler({ onAdd: addSource, onUpdate: (_o, s) => addSource(s), onDelete: addSource });
    signal.addEventListener("abort", () => void queue.shutDownWithDrain(), { once: true });
    if (!(await informers.waitForCacheSync(signal))) return;

    const sync = async (key: string) => {
      const { namespace, name } = splitKey(key);
      const ep = endpoints.store.get(key);
      const svc = services.store.get(key);
      const existing = slices.store.byIndex(SOURCE_INDEX, key);
      if (writes.isStale(key, new Map(existing.map((s) => [s.metadata.name!, s.metadata.resourceVersion ?? ""])))) {
        throw new Error(`mirrored EndpointSlices of ${key} in the cache are older than this controller's last writes`);
      }
      const rc = client.resource<EndpointSlice>(Resources.endpointSlices, namespace);
      const mirror = ep && svc && !isApiServerService(svc) && !Object.keys(svc.spec?.selector ?? {}).length && ep.metadata.labels?.[SKIP_MIRROR] !== "true";
      const owned = existing.filter((s) => !ep || s.metadata.ownerReferences?.some((o) => o.uid === ep.metadata.uid));
      if (!mirror) {
        for (const s of existing) await this.remove(rc, s, key, writes);
        if (!ep) writes.forget(key);
        return;
      }
      // Slices left from an earlier Endpoints of the same name go.
      for (const s of existing) if (!owned.includes(s)) await this.remove(rc, s, key, writes);

      const { groups, skipped } = mirroredGroups(ep.subsets ?? [], this.args.maxEndpointsPerSubset);
      if (skipped) logger.warn({ endpoints: key, skipped }, "Endpoints subsets over capacity; addresses beyond the limit are not mirrored");
      const plan = planSlices(owned, groups, this.args.maxEndpointsPerSubset);
      const labels: Record<string, string> = { ...(ep.metadata.labels ?? {}), [SERVICE_NAME_LABEL]: name, [MANAGED_BY_LABEL]: MIRRORING_MANAGER };
      const annotations: Record<string, string> = { ...(ep.metadata.annotations ?? {}) };
      delete annotations[LAST_APPLIED];
      const owner: OwnerReference = { apiVersion: "v1", kind: "Endpoints", name, uid: ep.metadata.uid!, controller: true, blockOwnerDeletion: true };
      const drifted = (s: EndpointSlice) => JSON.stringify(s.metadata.labels ?? {}) !== JSON.stringify(labels) || JSON.stringify(s.metadata.annotations ?? {}) !== JSON.stringify(annotations);
      const updates = [...plan.update, ...plan.keep.filter(drifted).map((slice) => ({ slice, endpoints: slice.endpoints ?? [] }))];
      for (const u of updates) {
        await rc.update({ ...u.slice, metadata: { ...u.slice.metadata, labels, annotations }, endpoints: u.endpoints });
        writes.updated(key, u.slice.metadata.name!, u.slice.metadata.resourceVersion ?? "");
      }
      for (const c of plan.create) {
        const body: EndpointSlice = {
          apiVersion: "discovery.k8s.io/v1",
          kind: "EndpointSlice",
          metadata: { generateName: `${name.slice(0, 57)}-`, namespace, labels, annotations, ownerReferences: [owner] },
          addressType: c.addressType,
          endpoints: c.endpoints,
          ports: c.ports,
        };
        try {
          writes.created(key, (await rc.create(body)).metadata.name!);
        } catch (err) {
          // A namespace being deleted refuses new objects.
          if (isForbidden(err)) return;
          throw err;
        }
      }
      for (const d of plan.delete) await this.remove(rc, d, key, writes);
    };
    await runWorkers(queue, this.args.concurrentSyncs, sync, {
      onError: (key, err) => logger.warn({ endpoints: key, err: (err as Error).message }, "endpointslice mirroring failed; retrying"),
    });
  }

  private async remove(rc: ResourceClient<EndpointSlice>, s: EndpointSlice, key: string, writes: SliceWriteTracker): Promise<void> {
    await rc.delete(s.metadata.name!).catch((err) => (isNotFound(err) ? undefined : Promise.reject(err)));
    writes.deleted(key, s.metadata.name!);
  }
}
