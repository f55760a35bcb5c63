import type { KubeClient } from "./rest-client.js";
import type { ResourceRef } from "./types.js";

/** A served resource as discovery describes it, at its group's preferred version. */
export interface DiscoveredResource extends ResourceRef {
  kind: string;
  verbs: string[];
}

interface ApiResourceList {
  groupVersion: string;
  resources: { name: string; kind: string; namespaced: boolean; verbs: string[] }[];
}

interface ApiGroupList {
  groups: { name: string; preferredVersion?: { groupVersion: string; version: string }; versions: { groupVersion: string; version: string }[] }[];
}

/**
 * Legacy discovery (`/api`, `/apis`, one document per group-version), preferred versions only,
 * subresources left out: what the namespace controller and garbage collector walk.
 * Upstream's `ServerPreferredResources`.
 */
export async function discoverPreferredResources(client: KubeClient): Promise<DiscoveredResource[]> {
  return (await discoverPreferred(client)).resources;
}

/** The same, also naming the group-versions whose documents could not be read (upstream's ErrGroupDiscoveryFailed). */
export async function discoverPreferred(client: KubeClient): Promise<{ resources: DiscoveredResource[]; failed: Record<string, string> }> {
  const core = await client.request<{ versions: string[] }>("GET", "/api");
  const groups = await client.request<ApiGroupList>("GET", "/apis");
  const wanted: { group: string; version: string; path: string }[] = [];
  const coreVersion = core.versions.includes("v1") ? "v1" : core.versions[0];
  if (coreVersion) wanted.push({ group: "", version: coreVersion, path: `/api/${coreVersion}` });
  for (const g of groups.groups) {
    const v = g.preferredVersion ?? g.versions[0];
    if (v) wanted.push({ group: g.name, version: v.version, path: `/apis/${v.groupVersion}` });
  }
  const lists = await Promise.all(
    wanted.map(async (w) => ({ ...w, list: await client.request<ApiResourceList>("GET", w.path).catch((err: Error) => err) })),
  );
  const out: DiscoveredResource[] = [];
  const failed: Record<string, string> = {};
  for (const { group, version, list } of lists) {
    if (list instanceof Error) {
      failed[group ? `${group}/${version}` : version] = list.message;
      continue;
    }
    for (const r of list?.resources ?? []) {
      if (r.name.includes("/")) continue;
      out.push({ group, version, resource: r.name, namespaced: r.namespaced, kind: r.kind, verbs: r.verbs ?? [] });
    }
  }
  return { resources: out, failed };
}
