import { fieldInvalid, fieldRequired, type FieldCause } from "../../api/status.js";
import type { KubeObj, Strategy } from "../registry/strategy.js";
import { storagePrefix, type ServedResource } from "../registry/served-resource.js";
import { validateStructural } from "./structural.js";

const now = () => new Date().toISOString().replace(/\.\d{3}Z$/, "Z");

function validateCrd(crd: KubeObj): FieldCause[] {
  const causes: FieldCause[] = [];
  const spec = crd.spec ?? {};
  const names = spec.names ?? {};
  if (!spec.group) causes.push(fieldRequired("spec.group"));
  if (!names.plural) causes.push(fieldRequired("spec.names.plural"));
  if (!names.kind) causes.push(fieldRequired("spec.names.kind"));
  if (!["Namespaced", "Cluster"].includes(spec.scope)) causes.push({ reason: "FieldValueNotSupported", field: "spec.scope", message: `Unsupported value: "${spec.scope}": supported values: "Cluster", "Namespaced"` });
  if (spec.group && names.plural && crd.metadata.name !== `${names.plural}.${spec.group}`) {
    causes.push(fieldInvalid("metadata.name", crd.metadata.name, `must be spec.names.plural+"."+spec.group`));
  }
  const versions: any[] = spec.versions ?? [];
  if (!versions.length) causes.push(fieldRequired("spec.versions"));
  if (versions.filter((v) => v.storage).length !== 1) causes.push(fieldInvalid("spec.versions", versions.map((v) => v.name), "must have exactly one version marked as storage version"));
  const strategy = spec.conversion?.strategy;
  if (strategy !== undefined && strategy !== "None") {
    causes.push(strategy === "Webhook" ? fieldInvalid("spec.conversion.strategy", strategy, "webhook conversion is not supported by this server; use None") : { reason: "FieldValueNotSupported", field: "spec.conversion.strategy", message: `Unsupported value: "${strategy}": supported values: "None", "Webhook"` });
  }
  versions.forEach((v, i) => {
    if (!v.schema?.openAPIV3Schema) causes.push(fieldRequired(`spec.versions[${i}].schema.openAPIV3Schema`));
  });
  return causes;
}

/** CRDs are accepted and established at once; upstream's naming and establishing controllers do this a moment later. */
export const crdStrategy: Strategy = {
  prepareForCreate(crd) {
    crd.spec.names.singular ??= String(crd.spec.names.kind ?? "").toLowerCase();
    crd.spec.names.listKind ??= `${crd.spec.names.kind}List`;
    crd.spec.conversion ??= { strategy: "None" };
    const t = now();
    crd.status = {
      acceptedNames: crd.spec.names,
      conditions: [
        { type: "NamesAccepted", status: "True", reason: "NoConflicts", message: "no conflicts found", lastTransitionTime: t },
        { type: "Established", status: "True", reason: "InitialNamesAccepted", message: "the initial names have been accepted", lastTransitionTime: t },
      ],
      storedVersions: (crd.spec.versions ?? []).filter((v: any) => v.storage).map((v: any) => v.name),
    };
  },
  prepareForUpdate(crd, old) {
    crd.spec.names.singular ??= String(crd.spec.names.kind ?? "").toLowerCase();
    crd.spec.names.listKind ??= `${crd.spec.names.kind}List`;
    crd.status = { ...(old.status ?? {}), acceptedNames: crd.spec.names };
    const stored = new Set<string>(old.status?.storedVersions ?? []);
    for (const v of crd.spec.versions ?? []) if (v.storage) stored.add(v.name);
    crd.status.storedVersions = [...stored];
  },
  validate: (crd) => validateCrd(crd),
  validateUpdate(crd, old) {
    const causes = validateCrd(crd);
    if (crd.spec?.group !== old.spec?.group) causes.push(fieldInvalid("spec.group", crd.spec?.group, "field is immutable"));
    if (crd.spec?.names?.plural !== old.spec?.names?.plural) causes.push(fieldInvalid("spec.names.plural", crd.spec?.names?.plural, "field is immutable"));
    if (crd.spec?.scope !== old.spec?.scope) causes.push(fieldInvalid("spec.scope", crd.spec?.scope, "field is immutable"));
    return causes;
  },
};

/** The resources an established CRD serves, one per served version. */
export function servedFromCrd(crd: KubeObj): ServedResource[] {
  const spec = crd.spec;
  const names = spec.names;
  // Conversion strategy None: one stored object per name, in the storage version, served in
  // every served version with only apiVersion changed (Webhook conversion is not offered).
  const storageVersion: string | undefined = (spec.versions ?? []).find((v: any) => v.storage)?.name;
  return (spec.versions ?? [])
    .filter((v: any) => v.served)
    .map((v: any) => {
      const sub = v.subresources ?? {};
      const subresources = [];
      if (sub.status) subresources.push({ name: "status", group: spec.group, version: v.name, kind: names.kind, verbs: ["get", "patch", "update"] });
      if (sub.scale) subresources.push({ name: "scale", group: "autoscaling", version: "v1", kind: "Scale", verbs: ["get", "patch", "update"] });
      const schema = v.schema?.openAPIV3Schema;
      return {
        group: spec.group,
        version: v.name,
        kind: names.kind,
        listKind: names.listKind ?? `${names.kind}List`,
        plural: names.plural,
        singular: names.singular ?? names.kind.toLowerCase(),
        namespaced: spec.scope === "Namespaced",
        verbs: ["delete", "deletecollection", "get", "list", "patch", "create", "update", "watch"],
        shortNames: names.shortNames ?? [],
        categories: names.categories ?? [],
        subresources,
        prefix: storagePrefix(spec.group, names.plural),
        ...(storageVersion && storageVersion !== v.name ? { storedAs: { group: spec.group, version: storageVersion, kind: names.kind } } : {}),
        crd: {
          ...(schema ? { schema } : {}),
          ...(sub.scale ? { scale: sub.scale } : {}),
          ...(v.additionalPrinterColumns?.length ? { printerColumns: v.additionalPrinterColumns } : {}),
          preserveUnknownFields: spec.preserveUnknownFields === true,
        },
      } satisfies ServedResource;
    });
}

/** Custom resources: validated against, and pruned by, their version's structural schema. */
export function customResourceStrategy(res: ServedResource): Strategy {
  const check = (obj: KubeObj) => (res.crd?.schema && !res.crd.preserveUnknownFields ? validateStructural(obj, res.crd.schema) : []);
  return {
    validate: check,
    validateUpdate: (obj) => check(obj),
  };
}
