import { resources as builtinResources } from "../../api/schema/kubernetes-schemas.js";
import { builtinConversions } from "../conversion/index.js";
import { storagePrefix, type ServedResource } from "./served-resource.js";

/**
 * Every resource the server answers for: the built-in ones of the stable groups, and
 * those CRDs add while the server runs. Lookups are by group/version/plural.
 */
export class ResourceCatalog {
  private readonly byPath = new Map<string, ServedResource>();
  private readonly crdOwned = new Map<string, string[]>(); // crd name -> keys
  private readonly listeners: (() => void)[] = [];

  constructor() {
    const conversions = builtinConversions();
    for (const r of builtinResources()) {
      // Every version of a converted resource reads and writes the objects of its storage form.
      const stored = conversions.storageOf(r.group, r.plural);
      const served: ServedResource = {
        group: r.group,
        version: r.version,
        kind: r.kind,
        listKind: `${r.kind}List`,
        plural: r.plural,
        singular: r.singular,
        namespaced: r.namespaced,
        verbs: [...r.verbs],
        shortNames: [...(r.shortNames ?? [])],
        categories: [...(r.categories ?? [])],
        subresources: (r.subresources ?? []).map((s) => ({ name: s.name, group: s.group, version: s.version, kind: s.kind, verbs: [...s.verbs] })),
        definition: r.definition,
        prefix: stored ? storagePrefix(stored.group, stored.plural) : storagePrefix(r.group, r.plural),
        ...(stored && (stored.group !== r.group || stored.version !== r.version) ? { storedAs: { group: stored.group, version: stored.version, kind: stored.kind } } : {}),
      };
      this.byPath.set(pathKey(r.group, r.version, r.plural), served);
    }
  }

  get(group: string, version: string, plural: string): ServedResource | undefined {
    return this.byPath.get(pathKey(group, version, plural));
  }

  all(): ServedResource[] {
    return [...this.byPath.values()];
  }

  /** Group → versions in preference order (first is preferred). */
  groups(): Map<string, string[]> {
    const out = new Map<string, string[]>();
    for (const r of this.byPath.values()) {
      const versions = out.get(r.group) ?? [];
      if (!versions.includes(r.version)) versions.push(r.version);
      out.set(r.group, versions);
    }
    for (const v of out.values()) v.sort(compareVersions);
    return out;
  }

  inGroupVersion(group: string, version: string): ServedResource[] {
    return this.all().filter((r) => r.group === group && r.version === version);
  }

  /** Serves a CRD's versions; replaces what the same CRD served before. */
  setCrd(crdName: string, served: ServedResource[]): void {
    this.removeCrd(crdName, false);
    const keys = served.map((r) => pathKey(r.group, r.version, r.plural));
    served.forEach((r, i) => this.byPath.set(keys[i]!, r));
    this.crdOwned.set(crdName, keys);
    this.changed();
  }

  removeCrd(crdName: string, notify = true): void {
    for (const k of this.crdOwned.get(crdName) ?? []) this.byPath.delete(k);
    this.crdOwned.delete(crdName);
    if (notify) this.changed();
  }

  onChange(fn: () => void): void {
    this.listeners.push(fn);
  }

  private changed(): void {
    for (const fn of this.listeners) fn();
  }
}

function pathKey(group: string, version: string, plural: string): string {
  return `${group}/${version}/${plural}`;
}

/** Kubernetes version priority: GA > beta > alpha, then by number, highest first. */
export function compareVersions(a: string, b: string): number {
  const rank = (v: string) => {
    const m = /^v(\d+)(?:(alpha|beta)(\d+))?$/.exec(v);
    if (!m) return [3, 0, 0, v] as const;
    const stage = m[2] === undefined ? 0 : m[2] === "beta" ? 1 : 2;
    return [stage, -Number(m[1]), -Number(m[3] ?? 0), v] as const;
  };
  const x = rank(a);
  const y = rank(b);
  for (let i = 0; i < 3; i++) if (x[i] !== y[i]) return (x[i] as number) - (y[i] as number);
  return x[3].localeCompare(y[3]);
}
