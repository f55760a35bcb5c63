import { applyConfig } from "../../api/apply/field-manager.js";
import { encodeManagedFields } from "../../api/apply/managed-fields.js";
import { ApplyTypeError, isObj } from "../../api/apply/elements.js";
import { badRequest, invalid, StatusError, type FieldCause } from "../../api/status.js";
import type { ResourceStore, WriteOptions } from "../registry/store.js";
import type { KubeObj } from "../registry/strategy.js";
import { apiVersionOf, type ServedResource } from "../registry/served-resource.js";
import { decodeEntries, withoutManaged, writeScope } from "../registry/field-tracking.js";

export const APPLY_PATCH = "application/apply-patch+yaml";

const FIELD_MANAGER_MAX = 128;

/** PatchOptions as upstream validates them before anything is read: 422 Invalid. */
export function checkPatchOptions(type: string, query: URLSearchParams): void {
  const causes: FieldCause[] = [];
  const manager = query.get("fieldManager") ?? "";
  if (type !== APPLY_PATCH && query.has("force")) causes.push({ reason: "FieldValueForbidden", field: "force", message: "Forbidden: may not be specified for non-apply patch" });
  if (type === APPLY_PATCH && !manager) causes.push({ reason: "FieldValueRequired", field: "fieldManager", message: "Required value: is required for apply patch" });
  if (manager.length > FIELD_MANAGER_MAX) causes.push({ reason: "FieldValueTooLong", field: "fieldManager", message: `Too long: may not be more than ${FIELD_MANAGER_MAX} bytes` });
  if (causes.length) throw invalid({ group: "meta.k8s.io", kind: "PatchOptions" }, "", causes);
}

/** Refuses what upstream refuses before applying: a non-object, managedFields, a wrong identity. */
function checkConfig(served: ServedResource, name: string, config: unknown): KubeObj {
  if (!isObj(config)) throw badRequest("an apply configuration must be a YAML or JSON object");
  const obj = config as KubeObj;
  if (obj.apiVersion === undefined || obj.kind === undefined) throw badRequest("apiVersion and kind must be set in an apply configuration");
  if (obj.apiVersion !== apiVersionOf(served) || obj.kind !== served.kind) {
    throw badRequest(`the API version in the data (${obj.apiVersion}) and kind (${obj.kind}) do not match the resource (${apiVersionOf(served)}, ${served.kind})`);
  }
  if (obj.metadata !== undefined && !isObj(obj.metadata)) throw badRequest("metadata must be an object");
  if (obj.metadata?.managedFields !== undefined) throw badRequest("metadata.managedFields must be nil");
  if (obj.metadata?.name !== undefined && obj.metadata.name !== name) {
    throw badRequest(`the name of the object (${obj.metadata.name}) does not match the name on the URL (${name})`);
  }
  return obj;
}

function applyTo(served: ServedResource, live: KubeObj | undefined, config: KubeObj, opts: WriteOptions, force: boolean): KubeObj {
  const scope = { ...writeScope(served, opts), force };
  try {
    const entries = decodeEntries(live?.metadata.managedFields);
    const { object, entries: owners } = applyConfig(live && withoutManaged(live), config, entries, scope);
    const obj = object as KubeObj;
    obj.metadata ??= {};
    if (scope.manager === "kubectl") syncLastApplied(obj, config);
    const encoded = encodeManagedFields(owners);
    if (encoded.length) obj.metadata.managedFields = encoded;
    return obj;
  } catch (err) {
    if (err instanceof ApplyTypeError) throw badRequest(err.message);
    throw err;
  }
}

const LAST_APPLIED = "kubectl.kubernetes.io/last-applied-configuration";

/**
 * kubectl's server-side applies keep an existing client-side apply annotation in step with
 * what they applied, as upstream does, so a later client-side apply diffs against it.
 */
function syncLastApplied(obj: KubeObj, config: KubeObj): void {
  if (typeof obj.metadata.annotations?.[LAST_APPLIED] !== "string") return;
  const recorded = structuredClone(config);
  if (isObj(recorded.metadata?.annotations)) delete recorded.metadata.annotations[LAST_APPLIED];
  obj.metadata.annotations = { ...obj.metadata.annotations, [LAST_APPLIED]: sortedJson(recorded) };
}

/** JSON with object keys sorted, as Go encodes maps. */
function sortedJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(sortedJson).join(",")}]`;
  if (isObj(v)) return `{${Object.keys(v).sort().map((k) => `${JSON.stringify(k)}:${sortedJson(v[k])}`).join(",")}}`;
  return JSON.stringify(v);
}

/**
 * Server-side apply of one object (PATCH with the apply content type): merged into the
 * live object, or created when there is none and the endpoint is the main resource.
 */
export async function serverSideApply(
  store: ResourceStore,
  served: ServedResource,
  namespace: string | undefined,
  name: string,
  body: unknown,
  opts: WriteOptions,
  force: boolean,
): Promise<{ obj: KubeObj; created: boolean }> {
  const config = checkConfig(served, name, body);
  const applied = { ...opts, applied: true };
  try {
    const { obj } = await store.guaranteedUpdate(namespace, name, applied, (current) => applyTo(served, current, config, opts, force));
    return { obj, created: false };
  } catch (err) {
    if (!(err instanceof StatusError && err.status.code === 404 && err.status.details?.name === name) || opts.subresource !== undefined) throw err;
  }
  const fresh = applyTo(served, undefined, { ...config, metadata: { ...config.metadata, name } }, opts, force);
  return { obj: await store.create(namespace, fresh, applied), created: true };
}
