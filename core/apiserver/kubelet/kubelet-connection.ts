import { badRequest, notFound, serviceUnavailable } from "../../api/status.js";
import type { Stores } from "../registry/stores.js";
import type { KubeObj } from "../registry/strategy.js";

export interface KubeletCredentials {
  cert: string;
  key: string;
  preferredAddressTypes: string[];
  timeoutMs: number;
}

export interface KubeletTarget {
  host: string;
  port: number;
  /** The kubelet API path, query included. */
  path: string;
}

/** Which pod subresources are served by the pod's kubelet, and at which of its paths. */
const KUBELET_PATHS: Record<string, (ns: string, pod: string, container: string) => string> = {
  log: (ns, pod, c) => `/containerLogs/${ns}/${pod}/${c}`,
  exec: (ns, pod, c) => `/exec/${ns}/${pod}/${c}`,
  attach: (ns, pod, c) => `/attach/${ns}/${pod}/${c}`,
  portforward: (ns, pod) => `/portForward/${ns}/${pod}`,
};

export const isKubeletSubresource = (sub: string | undefined) => sub !== undefined && sub in KUBELET_PATHS;

/**
 * Where a pod subresource request goes, as upstream's pod REST computes it (LogLocation,
 * ExecLocation, …): the pod's node's kubelet at its preferred address, the container
 * defaulted when the pod has one, refused with upstream's messages otherwise.
 */
export async function kubeletTarget(stores: Stores, creds: KubeletCredentials, namespace: string, podName: string, sub: string, query: URLSearchParams): Promise<KubeletTarget> {
  const pods = await stores.for("", "v1", "pods");
  const pod = (await pods.tryGet(namespace, podName)) as KubeObj | undefined;
  if (!pod) throw notFound({ group: "", resource: "pods" }, podName);
  let container = query.get("container") ?? "";
  const q = new URLSearchParams(query);
  q.delete("container");
  if (sub !== "portforward") {
    const names = [...(pod.spec?.containers ?? []), ...(pod.spec?.initContainers ?? []), ...(pod.spec?.ephemeralContainers ?? [])].map((c: { name: string }) => c.name);
    if (!container) {
      const regular = (pod.spec?.containers ?? []).map((c: { name: string }) => c.name);
      // kubectl's default-container annotation, then the only container.
      const annotated = pod.metadata.annotations?.["kubectl.kubernetes.io/default-container"];
      if (annotated && names.includes(annotated)) container = annotated;
      else if (regular.length === 1) container = regular[0]!;
      else throw badRequest(`a container name must be specified for pod ${podName}, choose one of: [${names.join(" ")}]`);
    } else if (!names.includes(container)) {
      throw badRequest(`container ${container} is not valid for pod ${podName}`);
    }
  }
  const nodeName = pod.spec?.nodeName as string | undefined;
  if (!nodeName) throw badRequest(`pod ${podName} does not have a host assigned`);
  const nodes = await stores.for("", "v1", "nodes");
  const node = (await nodes.tryGet(undefined, nodeName)) as KubeObj | undefined;
  if (!node) throw notFound({ group: "", resource: "nodes" }, nodeName);
  const addresses = (node.status?.addresses ?? []) as { type: string; address: string }[];
  const address = creds.preferredAddressTypes.map((t) => addresses.find((a) => a.type === t)?.address).find(Boolean);
  const port = node.status?.daemonEndpoints?.kubeletEndpoint?.Port as number | undefined;
  if (!address || !port) throw serviceUnavailable(`no kubelet address known for node ${nodeName}: it has not reported status.addresses and status.daemonEndpoints`);
  const qs = q.toString();
  return { host: address, port, path: KUBELET_PATHS[sub]!(namespace, podName, container) + (qs ? `?${qs}` : "") };
}
