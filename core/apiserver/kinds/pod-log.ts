import { request } from "node:https";
import { badRequest, internalError, methodNotSupported, serviceUnavailable } from "../../api/status.js";
import type { SubresourceRequest } from "../registry/subresources.js";
import type { Stores } from "../registry/stores.js";
import type { KubeObj } from "../registry/strategy.js";

/** The client certificate the API server shows kubelets (upstream's --kubelet-client-certificate). */
export type KubeletClientCredentials = () => Promise<{ cert: string; key: string }> | undefined;

const FORWARDED = ["follow", "previous", "timestamps", "tailLines", "sinceSeconds", "sinceTime", "limitBytes"];

/** The address and port of the kubelet running a pod, as its Node publishes them (InternalIP, then Hostname). */
export async function kubeletOf(stores: Stores, pod: KubeObj, podName: string): Promise<{ host: string; port: number; nodeName: string }> {
  const nodeName: string | undefined = pod.spec?.nodeName;
  if (!nodeName) throw badRequest(`pod ${podName} does not have a host assigned`);
  const node = await (await stores.for("", "v1", "nodes")).get(undefined, nodeName);
  const addresses: { type: string; address: string }[] = node.status?.addresses ?? [];
  const host = addresses.find((a) => a.type === "InternalIP")?.address ?? addresses.find((a) => a.type === "Hostname")?.address;
  const port = node.status?.daemonEndpoints?.kubeletEndpoint?.Port;
  if (!host || !port) throw serviceUnavailable(`node ${nodeName} publishes no kubelet address`);
  return { host, port, nodeName };
}

/**
 * pods/log: finds the pod's node and proxies to that kubelet's /containerLogs, at the address and
 * port the Node publishes (InternalIP, then Hostname; status.daemonEndpoints.kubeletEndpoint.Port).
 * As upstream, the kubelet's serving certificate is not verified without a kubelet CA configured.
 */
export function podLog(stores: Stores, credentials: KubeletClientCredentials) {
  return async (r: SubresourceRequest): Promise<void> => {
    if (r.info.verb !== "get") throw methodNotSupported({ group: "", resource: "pods/log" }, r.info.verb);
    const pod = await r.store.get(r.namespace, r.name);
    const names: string[] = (pod.spec.containers ?? []).map((c: { name: string }) => c.name);
    const all = [...(pod.spec.initContainers ?? []).map((c: { name: string }) => c.name), ...names];
    let container = r.query.get("container") ?? "";
    if (!container) {
      if (names.length !== 1) throw badRequest(`a container name must be specified for pod ${r.name}, choose one of: [${all.join(" ")}]`);
      container = names[0]!;
    }
    if (!all.includes(container)) throw badRequest(`container ${container} is not valid for pod ${r.name}`);
    const { host, port, nodeName } = await kubeletOf(stores, pod, r.name);
    const query = new URLSearchParams();
    for (const k of FORWARDED) if (r.query.has(k)) query.set(k, r.query.get(k)!);
    const path = `/containerLogs/${encodeURIComponent(r.namespace ?? "")}/${encodeURIComponent(r.name)}/${encodeURIComponent(container)}?${query}`;
    const creds = await credentials();
    await new Promise<void>((resolve, reject) => {
      const upstream = request({ host, port, path, method: "GET", rejectUnauthorized: false, ...(creds ?? {}) }, (res) => {
        if ((res.statusCode ?? 500) >= 400) {
          let text = "";
          res.setEncoding("utf8");
          res.on("data", (d) => (text += d));
          res.on("end", () => reject(res.statusCode === 400 || res.statusCode === 404 ? badRequest(text.trim()) : internalError(`kubelet ${nodeName}: ${text.trim()}`)));
          return;
        }
        r.res.writeHead(200, { "Content-Type": "text/plain", "Cache-Control": "no-cache" });
        res.pipe(r.res);
        res.on("end", () => resolve());
        res.on("error", () => resolve());
      });
      r.res.on("close", () => upstream.destroy());
      upstream.on("error", (err) => (r.res.headersSent ? resolve() : reject(serviceUnavailable(`cannot reach the kubelet of node ${nodeName}: ${err.message}`))));
      upstream.end();
    });
  };
}
