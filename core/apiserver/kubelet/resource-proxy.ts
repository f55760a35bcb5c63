import type { IncomingMessage, ServerResponse } from "node:http";
import { request as httpRequest } from "node:http";
import { request as httpsRequest } from "node:https";
import { badRequest, notFound, serviceUnavailable } from "../../api/status.js";
import type { Stores } from "../registry/stores.js";
import type { KubeObj } from "../registry/strategy.js";
import type { KubeletCredentials } from "./kubelet-connection.js";

const HOP = new Set(["connection", "keep-alive", "proxy-authenticate", "proxy-authorization", "te", "trailer", "transfer-encoding", "upgrade", "host", "authorization"]);

interface ProxyTarget {
  scheme: "http" | "https";
  host: string;
  port: number;
  /** Present for a kubelet: the API server's client certificate. */
  tls?: { cert: string; key: string };
}

/** `name`, `name:port`, or `scheme:name:port`, as upstream's proxy subresources take them. */
function splitName(raw: string): { scheme?: "http" | "https"; name: string; port: string } {
  const parts = raw.split(":");
  if (parts.length === 3) {
    if (parts[0] !== "http" && parts[0] !== "https") throw badRequest(`invalid scheme "${parts[0]}" in ${raw}`);
    return { scheme: parts[0], name: parts[1]!, port: parts[2]! };
  }
  if (parts.length > 3) throw badRequest(`invalid proxy name ${raw}`);
  return { name: parts[0]!, port: parts[1] ?? "" };
}

/**
 * Where `nodes/proxy`, `pods/proxy` and `services/proxy` go: the node's kubelet (with the
 * API server's kubelet client certificate), the pod's IP, or a ready endpoint of the Service.
 */
async function proxyTarget(stores: Stores, kubelet: KubeletCredentials | undefined, resource: string, namespace: string | undefined, raw: string): Promise<ProxyTarget> {
  const { scheme, name, port } = splitName(raw);
  if (resource === "nodes") {
    const node = (await (await stores.for("", "v1", "nodes")).tryGet(undefined, name)) as KubeObj | undefined;
    if (!node) throw notFound({ group: "", resource: "nodes" }, name);
    if (!kubelet) throw serviceUnavailable("this API server has no kubelet client credentials (it serves plain HTTP)");
    const addresses = (node.status?.addresses ?? []) as { type: string; address: string }[];
    const host = kubelet.preferredAddressTypes.map((t) => addresses.find((a) => a.type === t)?.address).find(Boolean);
    const p = port ? Number(port) : (node.status?.daemonEndpoints?.kubeletEndpoint?.Port as number | undefined);
    if (!host || !p) throw serviceUnavailable(`no kubelet address known for node ${name}`);
    return { scheme: scheme ?? "https", host, port: p, ...(scheme === "http" ? {} : { tls: { cert: kubelet.cert, key: kubelet.key } }) };
  }
  if (resource === "pods") {
    const pod = (await (await stores.for("", "v1", "pods")).tryGet(namespace, name)) as KubeObj | undefined;
    if (!pod) throw notFound({ group: "", resource: "pods" }, name);
    const ip = pod.status?.podIP as string | undefined;
    if (!ip) throw serviceUnavailable(`pod ${name} has no IP yet`);
    return { scheme: scheme ?? "http", host: ip, port: port ? Number(port) : 80 };
  }
  const svc = (await (await stores.for("", "v1", "services")).tryGet(namespace, name)) as KubeObj | undefined;
  if (!svc) throw notFound({ group: "", resource: "services" }, name);
  const ports = (svc.spec?.ports ?? []) as { name?: string; port: number; targetPort?: number | string }[];
  const sp = port ? ports.find((p) => p.name === port || String(p.port) === port) : ports.length === 1 ? ports[0] : ports.find((p) => !p.name);
  if (!sp) throw serviceUnavailable(`no service port "${port}" found for service "${name}"`);
  const slices = (await (await stores.for("discovery.k8s.io", "v1", "endpointslices")).list(namespace, { labelSelector: `kubernetes.io/service-name=${name}` })).items as KubeObj[];
  const candidates: { host: string; port: number }[] = [];
  for (const slice of slices) {
    const sliceport = ((slice.ports ?? []) as { name?: string; port?: number }[]).find((p) => (p.name ?? "") === (sp.name ?? ""));
    if (!sliceport?.port) continue;
    for (const ep of (slice.endpoints ?? []) as { addresses: string[]; conditions?: { ready?: boolean } }[]) {
      if (ep.conditions?.ready !== false && ep.addresses[0]) candidates.push({ host: ep.addresses[0], port: sliceport.port });
    }
  }
  if (!candidates.length) throw serviceUnavailable(`no endpoints available for service "${name}"`);
  const pick = candidates[Math.floor(Math.random() * candidates.length)]!;
  return { scheme: scheme ?? "http", ...pick };
}

/**
 * The proxy subresources: the request goes on (method, headers less credentials and hop-by-hop
 * ones, body) to the target's `/<rest>`, and its answer comes back as it is.
 */
export async function serveResourceProxy(
  req: IncomingMessage,
  res: ServerResponse,
  stores: Stores,
  kubelet: KubeletCredentials | undefined,
  resource: string,
  namespace: string | undefined,
  name: string,
  rest: string[],
  query: URLSearchParams,
): Promise<void> {
  const target = await proxyTarget(stores, kubelet, resource, namespace, name);
  const qs = query.toString();
  const path = "/" + rest.map(encodeURIComponent).join("/") + (qs ? `?${qs}` : "");
  const headers: Record<string, string | string[]> = {};
  for (const [k, v] of Object.entries(req.headers)) if (v !== undefined && !HOP.has(k) && !k.startsWith(":") && !k.startsWith("impersonate-")) headers[k] = v;
  await new Promise<void>((resolve, reject) => {
    const send = target.scheme === "https" ? httpsRequest : httpRequest;
    const upstream = send(
      { host: target.host, port: target.port, path, method: req.method, headers, ...(target.scheme === "https" ? { rejectUnauthorized: false, ...(target.tls ?? {}) } : {}), timeout: 30_000 },
      (ures) => {
        const out: Record<string, string | string[]> = {};
        for (const [k, v] of Object.entries(ures.headers)) if (v !== undefined && !HOP.has(k)) out[k] = v;
        res.writeHead(ures.statusCode ?? 502, out);
        ures.pipe(res);
        ures.on("end", () => resolve());
        ures.on("error", () => resolve());
      },
    );
    upstream.on("timeout", () => upstream.destroy(new Error("no answer in 30 s")));
    upstream.on("error", (err) => (res.headersSent ? resolve() : reject(serviceUnavailable(`error trying to reach ${resource.slice(0, -1)} ${name}: ${err.message}`))));
    res.once("close", () => upstream.destroy());
    req.pipe(upstream);
  });
}
