/**
 * meta.k8s.io PartialObjectMetadata: what client-go's metadata client and metadata informers
 * ask for (`Accept: application/json;as=PartialObjectMetadata;g=meta.k8s.io;v=v1`), so a
 * controller that needs only names, labels and owners never receives whole objects.
 */
export type MetadataVersion = "v1" | "v1beta1";

/** The meta.k8s.io version asked for as PartialObjectMetadata (or its List), if the Accept header asks. */
export function wantsPartialMetadata(accept: string | undefined): MetadataVersion | undefined {
  for (const part of (accept ?? "").split(",")) {
    const params = part.split(";").map((x) => x.trim());
    if (params[0] !== "application/json" || !params.includes("g=meta.k8s.io")) continue;
    if (!params.includes("as=PartialObjectMetadata") && !params.includes("as=PartialObjectMetadataList")) continue;
    const v = params.find((p) => p.startsWith("v="))?.slice(2);
    if (v === "v1" || v === "v1beta1") return v;
  }
  return undefined;
}

export function partialObjectMetadata(obj: { metadata: object }, version: MetadataVersion): { kind: string; apiVersion: string; metadata: object } {
  return { kind: "PartialObjectMetadata", apiVersion: `meta.k8s.io/${version}`, metadata: obj.metadata };
}

export function partialObjectMetadataList(items: { metadata: object }[], listMeta: object, version: MetadataVersion): object {
  return { kind: "PartialObjectMetadataList", apiVersion: `meta.k8s.io/${version}`, metadata: listMeta, items: items.map((o) => partialObjectMetadata(o, version)) };
}
