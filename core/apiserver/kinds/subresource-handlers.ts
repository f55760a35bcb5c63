import { badRequest, conflict, fieldRequired, invalid, methodNotSupported, serviceUnavailable, tooManyRequests } from "../../api/status.js";
import { kubeletTarget, type KubeletCredentials } from "../kubelet/kubelet-connection.js";
import { proxyGet } from "../kubelet/kubelet-proxy.js";
import { sendJson } from "../http/respond.js";
import { mediaType } from "../http/body.js";
import { applyPatch } from "../http/patch.js";
import type { KubeObj } from "../registry/strategy.js";
import type { SubresourceHandlers, SubresourceRequest } from "../registry/subresources.js";
import type { Stores } from "../registry/stores.js";
import { selectorFromLabelSelector } from "../../api/labels.js";

const success = () => ({ kind: "Status", apiVersion: "v1", metadata: {}, status: "Success", code: 201 });

/** pods/binding: sets spec.nodeName once; a pod already bound answers 409. */
async function bindPod(r: SubresourceRequest): Promise<void> {
  const binding = await r.body();
  const node = binding.target?.name;
  if (!node) throw invalid({ group: "", kind: "Binding" }, r.name, [fieldRequired("target.name")]);
  await r.store.guaranteedUpdate(r.namespace, r.name, { ...r.opts, subresource: "binding" }, (pod) => {
    if (pod.metadata.deletionTimestamp) throw conflict({ group: "", resource: "pods/binding" }, r.name, `pod ${r.name} is being deleted, cannot be assigned to a host`);
    if (pod.spec.nodeName) throw conflict({ group: "", resource: "pods/binding" }, r.name, `pod ${r.name} is already assigned to node "${pod.spec.nodeName}"`);
    if (binding.metadata?.uid && binding.metadata.uid !== pod.metadata.uid) throw conflict({ group: "", resource: "pods/binding" }, r.name, "the UID in the binding does not match the pod");
    pod.spec.nodeName = node;
    pod.metadata.annotations = { ...(pod.metadata.annotations ?? {}), ...(binding.metadata?.annotations ?? {}) };
    const now = new Date().toISOString().replace(/\.\d{3}Z$/, "Z");
    const conds = (pod.status.conditions ?? []).filter((c: any) => c.type !== "PodScheduled");
    pod.status.conditions = [...conds, { type: "PodScheduled", status: "True", lastProbeTime: null, lastTransitionTime: now }];
    return pod;
  });
  sendJson(r.res, 201, success());
}

/**
 * pods/eviction: a delete that honours PodDisruptionBudgets; a budget with no
 * disruptions left answers 429 as upstream does.
 */
function evictPod(stores: Stores) {
  return async (r: SubresourceRequest): Promise<void> => {
    const eviction = await r.body();
    if (eviction.kind && eviction.kind !== "Eviction") throw badRequest(`expected an Eviction, got ${eviction.kind}`);
    const pod = await r.store.get(r.namespace, r.name);
    const pdbs = await stores.for("policy", "v1", "poddisruptionbudgets");
    const { items } = await pdbs.list(r.namespace, {});
    for (const pdb of items) {
      if (!pdb.spec?.selector) continue;
      if (!selectorFromLabelSelector(pdb.spec.selector).matches(pod.metadata.labels ?? {})) continue;
      if ((pdb.status?.disruptionsAllowed ?? 0) < 1 && pod.status?.phase !== "Succeeded" && pod.status?.phase !== "Failed") {
        throw tooManyRequests(`Cannot evict pod as it would violate the pod's disruption budget.`, 10, [{ reason: "DisruptionBudget", message: `The disruption budget ${pdb.metadata.name} needs ${pdb.status?.desiredHealthy ?? 0} healthy pods and has ${pdb.status?.currentHealthy ?? 0} currently`, field: "" }]);
      }
    }
    const opts = eviction.deleteOptions ?? {};
    await r.store.delete(r.namespace, r.name, {
      ...r.opts,
      ...(opts.gracePeriodSeconds !== undefined ? { gracePeriodSeconds: opts.gracePeriodSeconds } : {}),
      ...(opts.preconditions ? { preconditions: opts.preconditions } : {}),
    });
    sendJson(r.res, 201, success());
  };
}

/** namespaces/finalize: replaces spec.finalizers; an emptied terminating namespace leaves. */
async function finalizeNamespace(r: SubresourceRequest): Promise<void> {
  if (r.info.verb !== "update") throw badRequest("finalize takes PUT");
  const body = await r.body();
  const { obj } = await r.store.guaranteedUpdate(r.namespace, r.name, { ...r.opts, subresource: "finalize" }, (ns) => {
    ns.spec = { ...(ns.spec ?? {}), finalizers: body.spec?.finalizers ?? [] };
    return ns;
  });
  sendJson(r.res, 200, obj);
}

/** certificatesigningrequests/approval: the Approved or Denied condition, as `kubectl certificate approve` writes it. */
async function approveCsr(r: SubresourceRequest): Promise<void> {
  if (r.info.verb === "get") return sendJson(r.res, 200, await r.store.get(r.namespace, r.name));
  if (r.info.verb !== "update") throw methodNotSupported({ group: r.served.group, resource: `${r.served.plural}/approval` }, r.info.verb);
  const body = await r.body();
  if (body.metadata?.name && body.metadata.name !== r.name) throw badRequest(`the name of the object (${body.metadata.name}) does not match the name on the URL (${r.name})`);
  const { obj } = await r.store.guaranteedUpdate(r.namespace, r.name, { ...r.opts, subresource: "approval" }, (current) => {
    if (body.metadata?.resourceVersion && body.metadata.resourceVersion !== current.metadata.resourceVersion) {
      throw conflict({ group: r.served.group, resource: r.served.plural }, r.name);
    }
    return { ...current, status: body.status ?? {} };
  });
  sendJson(r.res, 200, obj);
}

/**
 * pods/ephemeralcontainers: a PUT or any PATCH of the pod whose only effect may be on
 * spec.ephemeralContainers (`kubectl debug`); the pod strategy refuses everything else.
 */
async function ephemeralContainers(r: SubresourceRequest): Promise<void> {
  if (r.info.verb === "get") return sendJson(r.res, 200, await r.store.get(r.namespace, r.name));
  if (r.info.verb !== "update" && r.info.verb !== "patch") throw methodNotSupported({ group: "", resource: "pods/ephemeralcontainers" }, r.info.verb);
  const body = r.info.verb === "update" ? await r.body() : await r.decoded();
  const type = mediaType(r.req);
  const { obj } = await r.store.guaranteedUpdate(r.namespace, r.name, { ...r.opts, subresource: "ephemeralcontainers" }, (pod) => {
    const desired = r.info.verb === "update" ? (body as KubeObj) : applyPatch(type, pod, body, r.served);
    return { ...pod, spec: { ...pod.spec, ephemeralContainers: desired.spec?.ephemeralContainers ?? [] } };
  });
  sendJson(r.res, 200, obj);
}

/** pods/log: the container's log from the pod's kubelet, streamed (follow, tailLines, previous, …). */
const podLog = (stores: Stores, kubelet: KubeletCredentials | undefined) => async (r: SubresourceRequest) => {
  if (r.info.verb !== "get") throw methodNotSupported({ group: "", resource: "pods/log" }, r.info.verb);
  if (!kubelet) throw serviceUnavailable("this API server has no kubelet client credentials (it serves plain HTTP)");
  const target = await kubeletTarget(stores, kubelet, r.namespace!, r.name, "log", r.query);
  await proxyGet(target, kubelet, r.res, (cb) => r.res.once("close", cb));
};

export function subresourceHandlers(stores: Stores, kubelet?: KubeletCredentials): SubresourceHandlers {
  return new Map([
    ["/pods/log", podLog(stores, kubelet)],
    ["/pods/binding", bindPod],
    ["/pods/eviction", evictPod(stores)],
    ["/pods/ephemeralcontainers", ephemeralContainers],
    ["/namespaces/finalize", finalizeNamespace],
    ["certificates.k8s.io/certificatesigningrequests/approval", approveCsr],
  ]);
}
