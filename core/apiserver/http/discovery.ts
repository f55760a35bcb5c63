import type { ResourceCatalog } from "../registry/catalog.js";
import type { ServedResource } from "../registry/served-resource.js";

/** One APIResource entry and its subresource entries, as the legacy discovery lists them. */
function apiResources(r: ServedResource): Record<string, unknown>[] {
  const main = {
    name: r.plural,
    singularName: r.singular,
    namespaced: r.namespaced,
    kind: r.kind,
    verbs: r.verbs,
    ...(r.shortNames.length ? { shortNames: r.shortNames } : {}),
    ...(r.categories.length ? { categories: r.categories } : {}),
  };
  const subs = r.subresources.map((s) => ({
    name: `${r.plural}/${s.name}`,
    singularName: "",
    namespaced: r.namespaced,
    // Both are named when the group version differs, as upstream does; kubectl drain reads them.
    ...(s.group !== r.group || s.version !== r.version ? { group: s.group, version: s.version } : {}),
    kind: s.kind,
    verbs: s.verbs,
  }));
  return [main, ...subs];
}

export function resourceList(catalog: ResourceCatalog, group: string, version: string): Record<string, unknown> | undefined {
  const list = catalog.inGroupVersion(group, version);
  if (!list.length) return undefined;
  return {
    kind: "APIResourceList",
    apiVersion: "v1",
    groupVersion: group ? `${group}/${version}` : version,
    resources: list.sort((a, b) => a.plural.localeCompare(b.plural)).flatMap(apiResources),
  };
}

export function apiVersions(serverAddress: string): Record<string, unknown> {
  return { kind: "APIVersions", versions: ["v1"], serverAddressByClientCIDRs: [{ clientCIDR: "0.0.0.0/0", serverAddress }] };
}

function apiGroup(name: string, versions: string[]) {
  const gv = versions.map((v) => ({ groupVersion: `${name}/${v}`, version: v }));
  return { name, versions: gv, preferredVersion: gv[0] };
}

export function apiGroupList(catalog: ResourceCatalog): Record<string, unknown> {
  const groups = [...catalog.groups()].filter(([g]) => g !== "");
  return { kind: "APIGroupList", apiVersion: "v1", groups: groups.map(([g, v]) => apiGroup(g, v)) };
}

export function apiGroupOf(catalog: ResourceCatalog, group: string): Record<string, unknown> | undefined {
  const versions = catalog.groups().get(group);
  return versions ? { kind: "APIGroup", apiVersion: "v1", ...apiGroup(group, versions) } : undefined;
}

/**
 * The aggregated discovery version a request's Accept header asks for (v2, or v2beta1
 * as kubectl 1.29 sends), if any; the media type parameters may come in any order.
 */
export function aggregatedVersion(accept: string | undefined): "v2" | "v2beta1" | undefined {
  for (const part of (accept ?? "").split(",")) {
    const [type, ...params] = part.split(";").map((x) => x.trim());
    if (type !== "application/json") continue;
    const p = Object.fromEntries(params.map((kv) => kv.split("=").map((x) => x.trim()) as [string, string]));
    if (p.g === "apidiscovery.k8s.io" && p.as === "APIGroupDiscoveryList" && (p.v === "v2" || p.v === "v2beta1")) return p.v;
  }
  return undefined;
}

function resourceDiscovery(r: ServedResource): Record<string, unknown> {
  return {
    resource: r.plural,
    responseKind: { group: r.group, version: r.version, kind: r.kind },
    scope: r.namespaced ? "Namespaced" : "Cluster",
    singularResource: r.singular,
    verbs: r.verbs,
    ...(r.shortNames.length ? { shortNames: r.shortNames } : {}),
    ...(r.categories.length ? { categories: r.categories } : {}),
    ...(r.subresources.length
      ? { subresources: r.subresources.map((s) => ({ subresource: s.name, responseKind: { group: s.group, version: s.version, kind: s.kind }, verbs: s.verbs })) }
      : {}),
  };
}

/** APIGroupDiscoveryList for /api (core group only) or /apis (every named group). */
export function aggregatedDiscovery(catalog: ResourceCatalog, core: boolean, version: "v2" | "v2beta1"): Record<string, unknown> {
  const groups = [...catalog.groups()].filter(([g]) => (core ? g === "" : g !== ""));
  return {
    kind: "APIGroupDiscoveryList",
    apiVersion: `apidiscovery.k8s.io/${version}`,
    metadata: {},
    items: groups.map(([g, versions]) => ({
      metadata: { name: g, creationTimestamp: null },
      versions: versions.map((v) => ({
        version: v,
        freshness: "Current",
        resources: catalog
          .inGroupVersion(g, v)
          .sort((a, b) => a.plural.localeCompare(b.plural))
          .map(resourceDiscovery),
      })),
    })),
  };
}
