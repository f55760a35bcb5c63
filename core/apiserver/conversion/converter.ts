import type { KubeObj } from "../registry/strategy.js";
import type { ServedResource } from "../registry/served-resource.js";

export interface GroupVersion {
  group: string;
  version: string;
}

/** The form one resource is stored in, whichever version a client speaks. */
export interface StorageForm extends GroupVersion {
  kind: string;
  plural: string;
}

/**
 * Converts the objects of one resource between its storage version and the other
 * versions it is served in (upstream converts through an internal version; the storage
 * version plays that part here). Several group-resources may share one stored object:
 * core Events and events.k8s.io Events. Neither direction may mutate its input, and
 * a round trip through any served version must give back what went in.
 */
export interface VersionConverter {
  storage: StorageForm;
  /** Every `group/plural` served from this storage, the storage's own included. */
  resources: readonly string[];
  fromStorage(obj: KubeObj, to: GroupVersion): KubeObj;
  toStorage(obj: KubeObj, from: GroupVersion): KubeObj;
}

/** What a store needs to read and write a served version that is not the storage version. */
export interface StorageCodec {
  /** `apiVersion` and `kind` of stored objects. */
  storageApiVersion: string;
  storageKind: string;
  fromStorage(obj: KubeObj): KubeObj;
  toStorage(obj: KubeObj): KubeObj;
}

const apiVersion = (gv: GroupVersion) => (gv.group ? `${gv.group}/${gv.version}` : gv.version);
const same = (a: GroupVersion, b: GroupVersion) => a.group === b.group && a.version === b.version;

/** Built-in converters by group-resource; CRDs need none (their conversion strategy None changes apiVersion alone). */
export class ConversionRegistry {
  private readonly byResource = new Map<string, VersionConverter>();

  constructor(converters: readonly VersionConverter[]) {
    for (const c of converters) for (const gr of c.resources) this.byResource.set(gr, c);
  }

  /** Where objects of `group/plural` are stored, if a converter owns the resource. */
  storageOf(group: string, plural: string): StorageForm | undefined {
    return this.byResource.get(`${group}/${plural}`)?.storage;
  }

  /** The codec of a served version, or undefined when it is the storage form itself. */
  codecFor(res: ServedResource): StorageCodec | undefined {
    const stored = res.storedAs;
    if (!stored || (same(stored, res) && stored.kind === res.kind)) return undefined;
    if (res.crd) {
      // Strategy None: the stored object is served as it is, with the requested apiVersion.
      return { storageApiVersion: apiVersion(stored), storageKind: stored.kind, fromStorage: (o) => o, toStorage: (o) => o };
    }
    const converter = this.byResource.get(`${res.group}/${res.plural}`);
    if (!converter) throw new Error(`no converter for ${res.plural}.${res.group} although it is stored as ${apiVersion(stored)}`);
    const gv = { group: res.group, version: res.version };
    return {
      storageApiVersion: apiVersion(converter.storage),
      storageKind: converter.storage.kind,
      fromStorage: (o) => converter.fromStorage(o, gv),
      toStorage: (o) => converter.toStorage(o, gv),
    };
  }
}
