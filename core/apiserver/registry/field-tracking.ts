import { ApplySchema } from "../../api/apply/schema.js";
import { decodeManagedFields, encodeManagedFields, managerName, ManagedFieldsError, type ManagerEntry } from "../../api/apply/managed-fields.js";
import { trackUpdate, type WriteScope } from "../../api/apply/field-manager.js";
import { ApplyTypeError } from "../../api/apply/elements.js";
import { badRequest } from "../../api/status.js";
import { apiVersionOf, hasSubresource, type ServedResource } from "./served-resource.js";
import type { KubeObj } from "./strategy.js";

/** What a write says about its author, for managedFields. */
export interface FieldOwner {
  fieldManager?: string;
  userAgent?: string;
  subresource?: string;
}

function applySchemaOf(res: ServedResource): ApplySchema {
  if (res.definition) return ApplySchema.builtin(res.definition);
  if (res.crd) return ApplySchema.crd(res.crd.schema, res.crd.preserveUnknownFields);
  return ApplySchema.deduced();
}

export function writeScope(res: ServedResource, owner: FieldOwner): WriteScope {
  return {
    schema: applySchemaOf(res),
    apiVersion: apiVersionOf(res),
    manager: managerName(owner.fieldManager, owner.userAgent),
    ...(owner.subresource ? { subresource: owner.subresource } : {}),
    hasStatus: hasSubresource(res, "status"),
    now: new Date().toISOString().replace(/\.\d{3}Z$/, "Z"),
  };
}

export function decodeEntries(raw: unknown): ManagerEntry[] {
  try {
    return decodeManagedFields(raw);
  } catch (err) {
    if (err instanceof ManagedFieldsError) throw badRequest(err.message);
    throw err;
  }
}

/**
 * Sets `next.metadata.managedFields` for a create (no `old`) or an update. Entries the
 * write itself carries replace the stored ones, as upstream lets clients rewrite them;
 * an absent or empty list keeps the stored ones. An object the schema cannot key (list
 * items without any key field) is still written, without entries, as upstream does
 * rather than fail an ordinary write over bookkeeping.
 */
export function recordUpdate(res: ServedResource, old: KubeObj | undefined, next: KubeObj, owner: FieldOwner): void {
  const given = next.metadata.managedFields;
  const base = decodeEntries(Array.isArray(given) && given.length ? given : old?.metadata.managedFields);
  try {
    const entries = trackUpdate(old && withoutManaged(old), withoutManaged(next), base, writeScope(res, owner));
    if (entries.length) next.metadata.managedFields = encodeManagedFields(entries);
    else delete next.metadata.managedFields;
  } catch (err) {
    if (!(err instanceof ApplyTypeError)) throw err;
    delete next.metadata.managedFields;
  }
}

export function withoutManaged(o: KubeObj): KubeObj {
  const { managedFields: _m, ...meta } = o.metadata ?? {};
  return { ...o, metadata: meta };
}
