import { badRequest } from "../../api/status.js";
import { proxyUpgrade } from "../../api/upgrade-proxy.js";
import type { UpgradeRequest } from "../http/app.js";
import type { Stores } from "../registry/stores.js";
import { kubeletOf, type KubeletClientCredentials } from "./pod-log.js";

/**
 * pods/exec: an upgrade request carried to the pod's kubelet (`/exec/{ns}/{pod}/{container}`),
 * which carries it on to the runtime's streaming server; the client and that server negotiate
 * WebSocket or SPDY and the stream protocol version between themselves.
 */
export function podExec(stores: Stores, credentials: KubeletClientCredentials) {
  return async (r: UpgradeRequest): Promise<void> => {
    const pod = await (await stores.for("", "v1", "pods")).get(r.namespace, r.name);
    const names: string[] = (pod.spec.containers ?? []).map((c: { name: string }) => c.name);
    let container = r.query.get("container") ?? "";
    if (!container) {
      if (names.length !== 1) throw badRequest(`a container name must be specified for pod ${r.name}, choose one of: [${names.join(" ")}]`);
      container = names[0]!;
    }
    if (!names.includes(container)) throw badRequest(`container ${container} is not valid for pod ${r.name}`);
    if (pod.status?.phase === "Succeeded" || pod.status?.phase === "Failed") throw badRequest(`cannot exec into a container in a completed pod; current phase is ${pod.status.phase}`);
    const { host, port } = await kubeletOf(stores, pod, r.name);
    const url = new URL(`https://${host}:${port}/exec/${encodeURIComponent(r.namespace ?? "")}/${encodeURIComponent(r.name)}/${encodeURIComponent(container)}?${r.query}`);
    const creds = await credentials();
    proxyUpgrade(r.req, r.socket, r.head, { url, ...(creds ? { tls: creds } : {}) });
  };
}
