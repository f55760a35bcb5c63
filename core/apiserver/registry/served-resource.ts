/** A resource as the API server serves it: built-in (from the derived schemas) or from a CRD. */
export interface ServedSubresource {
  name: string;
  group: string;
  version: string;
  kind: string;
  verbs: string[];
}

/** A CRD version's additionalPrinterColumns entry. */
export interface PrinterColumn {
  name: string;
  type: "integer" | "number" | "string" | "boolean" | "date";
  format?: string;
  description?: string;
  priority?: number;
  jsonPath: string;
}

export interface ServedResource {
  group: string;
  version: string;
  kind: string;
  listKind: string;
  plural: string;
  singular: string;
  namespaced: boolean;
  verbs: string[];
  shortNames: string[];
  categories: string[];
  subresources: ServedSubresource[];
  /** Definition name in schemas/kubernetes/definitions.json, for built-ins. */
  definition?: string;
  /** Storage prefix shared by every version of one resource: `/registry/<group>/<plural>/` of its storage form. */
  prefix: string;
  /**
   * The form objects are stored in when it differs from this version (another version,
   * or another group: events.k8s.io Events are stored as core Events). See core/apiserver/conversion/.
   */
  storedAs?: { group: string; version: string; kind: string };
  /** For CRDs: the version's structural schema, its scale paths and printer columns. */
  crd?: {
    schema?: Record<string, any>;
    printerColumns?: PrinterColumn[];
    scale?: { specReplicasPath: string; statusReplicasPath: string; labelSelectorPath?: string };
    preserveUnknownFields: boolean;
  };
}

export const apiVersionOf = (r: { group: string; version: string }) => (r.group ? `${r.group}/${r.version}` : r.version);
/** `deployments.apps`, `pods`: how errors name a resource. */
export const groupResource = (r: { group: string; plural: string }) => (r.group ? `${r.plural}.${r.group}` : r.plural);
export const hasSubresource = (r: ServedResource, name: string) => r.subresources.some((s) => s.name === name);

export function storagePrefix(group: string, plural: string): string {
  return group ? `/registry/${group}/${plural}/` : `/registry/${plural}/`;
}
