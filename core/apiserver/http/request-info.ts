/**
 * Upstream's RequestInfo: what a URL and method mean to the API. Non-resource paths
 * (/healthz, /version, discovery) have `resourceRequest: false`.
 */
export interface RequestInfo {
  resourceRequest: boolean;
  path: string;
  verb: string;
  /** "api" for the core group, "apis" for named groups. */
  prefix?: "api" | "apis";
  group: string;
  version: string;
  namespace?: string;
  resource?: string;
  subresource?: string;
  name?: string;
  /** Segments after the subresource (proxy paths). */
  rest: string[];
}

const NAMESPACE_SUBRESOURCES = new Set(["status", "finalize"]);

const watchish = (q: URLSearchParams) => q.get("watch") === "true" || q.get("watch") === "1";

/** Splits `/apis/apps/v1/namespaces/ns/deployments/web/scale` into its parts. */
export function parseRequestInfo(method: string, path: string, query: URLSearchParams): RequestInfo {
  const parts = path.split("/").filter(Boolean).map((p) => (p.includes("%") ? decodeURIComponent(p) : p));
  const info: RequestInfo = { resourceRequest: false, path, verb: method.toLowerCase(), group: "", version: "", rest: [] };
  let i = 0;
  if (parts[0] === "api") {
    info.prefix = "api";
    i = 1;
  } else if (parts[0] === "apis") {
    info.prefix = "apis";
    info.group = parts[1] ?? "";
    i = 2;
  } else {
    return info;
  }
  info.version = parts[i] ?? "";
  i++;
  if (!info.version || (info.prefix === "apis" && !info.group) || parts.length <= i) return info; // discovery
  info.resourceRequest = true;
  // Upstream's deprecated /watch/ prefix.
  let watchPrefix = false;
  if (parts[i] === "watch") {
    watchPrefix = true;
    i++;
  }
  let cur = parts.slice(i);
  if (cur[0] === "namespaces" && cur.length > 1) {
    info.namespace = cur[1];
    // `namespaces/{name}/status|finalize` address the namespace itself, anything else a resource inside it.
    if (cur.length > 2 && !NAMESPACE_SUBRESOURCES.has(cur[2]!)) cur = cur.slice(2);
  }
  info.resource = cur[0];
  info.name = cur[1];
  info.subresource = cur[2];
  info.rest = cur.slice(3);
  if (info.resource === "namespaces") info.namespace = info.name;

  const m = method.toUpperCase();
  const collection = info.name === undefined;
  if (m === "GET" || m === "HEAD") info.verb = watchPrefix || watchish(query) ? "watch" : collection ? "list" : "get";
  else if (m === "POST") info.verb = "create";
  else if (m === "PUT") info.verb = "update";
  else if (m === "PATCH") info.verb = "patch";
  else if (m === "DELETE") info.verb = collection ? "deletecollection" : "delete";
  else info.verb = m.toLowerCase();
  return info;
}
