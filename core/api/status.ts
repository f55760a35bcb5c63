/** Kubernetes Status errors with upstream's codes, reasons and message shapes. */
export interface FieldCause {
  reason: string;
  message: string;
  field: string;
}

export interface StatusDetails {
  name?: string;
  group?: string;
  kind?: string;
  uid?: string;
  causes?: FieldCause[];
  retryAfterSeconds?: number;
}

export interface StatusObject {
  kind: "Status";
  apiVersion: "v1";
  metadata: Record<string, never>;
  status: "Failure" | "Success";
  message?: string;
  reason?: string;
  details?: StatusDetails;
  code: number;
}

export class StatusError extends Error {
  constructor(readonly status: StatusObject) {
    super(status.message ?? status.reason ?? "error");
    this.name = "StatusError";
  }
}

export interface GroupResource {
  group: string;
  resource: string;
}

const qualified = (gr: GroupResource) => (gr.group ? `${gr.resource}.${gr.group}` : gr.resource);

function failure(code: number, reason: string, message: string, details?: StatusDetails): StatusError {
  return new StatusError({ kind: "Status", apiVersion: "v1", metadata: {}, status: "Failure", message, reason, ...(details ? { details } : {}), code });
}

export function notFound(gr: GroupResource, name: string, message?: string): StatusError {
  return failure(404, "NotFound", message ?? `${qualified(gr)} "${name}" not found`, { name, group: gr.group, kind: gr.resource });
}

export function alreadyExists(gr: GroupResource, name: string): StatusError {
  return failure(409, "AlreadyExists", `${qualified(gr)} "${name}" already exists`, { name, group: gr.group, kind: gr.resource });
}

export function conflict(gr: GroupResource, name: string, detail?: string): StatusError {
  const why = detail ?? "the object has been modified; please apply your changes to the latest version and try again";
  return failure(409, "Conflict", `Operation cannot be fulfilled on ${qualified(gr)} "${name}": ${why}`, { name, group: gr.group, kind: gr.resource });
}

/** 422 Invalid: `Deployment.apps "web" is invalid: spec.replicas: Invalid value: -1: …`. */
export function invalid(gk: { group: string; kind: string }, name: string, causes: FieldCause[]): StatusError {
  const kind = gk.group ? `${gk.kind}.${gk.group}` : gk.kind;
  const parts = causes.map((c) => (c.field ? `${c.field}: ${c.message}` : c.message));
  const joined = parts.length === 1 ? parts[0] : `[${parts.join(", ")}]`;
  return failure(422, "Invalid", `${kind} "${name}" is invalid: ${joined}`, { name, group: gk.group, kind: gk.kind, causes });
}

/**
 * 422 as upstream's generic server response: a fixed message with the cause in details
 * (how a JSON patch that does not apply is answered; kubectl prints "The request is invalid").
 */
export function unprocessable(cause: string): StatusError {
  return failure(422, "Invalid", "the server rejected our request due to an error in our request", { group: "", kind: "", name: "", causes: [{ reason: "UnexpectedServerResponse", message: cause, field: "" }] });
}

export const badRequest = (message: string) => failure(400, "BadRequest", message);
export const unauthorized = (message = "Unauthorized") => failure(401, "Unauthorized", message);

/** `pods is forbidden: User "u" cannot list resource "pods" in API group "" in the namespace "ns"` */
export function forbidden(
  attrs: { user: { name: string }; verb: string; resourceRequest: boolean; path: string; apiGroup?: string; resource?: string; subresource?: string; namespace?: string; name?: string },
  reason = "",
): StatusError {
  let message: string;
  if (attrs.resourceRequest && attrs.resource) {
    const res = attrs.subresource ? `${attrs.resource}/${attrs.subresource}` : attrs.resource;
    const what = `${attrs.name ? `${qualified({ group: attrs.apiGroup ?? "", resource: attrs.resource })} "${attrs.name}"` : qualified({ group: attrs.apiGroup ?? "", resource: attrs.resource })} is forbidden`;
    const scope = attrs.namespace ? ` in the namespace "${attrs.namespace}"` : " at the cluster scope";
    message = `${what}: User "${attrs.user.name}" cannot ${attrs.verb} resource "${res}" in API group "${attrs.apiGroup ?? ""}"${scope}`;
  } else {
    message = `forbidden: User "${attrs.user.name}" cannot ${attrs.verb} path "${attrs.path}"`;
  }
  if (reason) message += `: ${reason}`;
  return failure(403, "Forbidden", message, attrs.resource ? { ...(attrs.name ? { name: attrs.name } : {}), group: attrs.apiGroup ?? "", kind: attrs.resource } : undefined);
}

/** A 403 whose message is given whole (namespace lifecycle and similar admission refusals). */
export function forbiddenMessage(gr: GroupResource, name: string, why: string): StatusError {
  return failure(403, "Forbidden", `${qualified(gr)} "${name}" is forbidden: ${why}`, { name, group: gr.group, kind: gr.resource });
}

export function methodNotSupported(gr: GroupResource, verb: string): StatusError {
  return failure(405, "MethodNotAllowed", `${verb} is not supported on resources of kind "${qualified(gr)}"`, { group: gr.group, kind: gr.resource });
}
export const notAcceptable = (types: string) => failure(406, "NotAcceptable", `only the following media types are accepted: ${types}`);
export const unsupportedMediaType = (type: string) => failure(415, "UnsupportedMediaType", `the body of the request was in an unknown format - accepted media types include: application/json, application/yaml, application/vnd.kubernetes.protobuf (got ${type})`);
export const requestEntityTooLarge = (limit: number) => failure(413, "RequestEntityTooLarge", `Request entity too large: limit is ${limit}`);
export const expired = (message: string) => failure(410, "Expired", message);
export const gone = (message: string) => failure(410, "Gone", message);
export function tooManyRequests(message: string, retryAfterSeconds: number, causes?: FieldCause[]): StatusError {
  return failure(429, "TooManyRequests", message, { retryAfterSeconds, ...(causes ? { causes } : {}) });
}
export const internalError = (message: string) => failure(500, "InternalError", `Internal error occurred: ${message}`);
export const serviceUnavailable = (message: string) => failure(503, "ServiceUnavailable", message);
export const timeout = (message: string) => failure(504, "Timeout", message);

export function successStatus(details: StatusDetails): StatusObject {
  return { kind: "Status", apiVersion: "v1", metadata: {}, status: "Success", details, code: 200 } as StatusObject;
}

const show = (v: unknown) => (typeof v === "string" ? JSON.stringify(v) : JSON.stringify(v) ?? String(v));

export const fieldRequired = (field: string, detail?: string): FieldCause => ({ reason: "FieldValueRequired", field, message: detail ? `Required value: ${detail}` : "Required value" });
export const fieldInvalid = (field: string, value: unknown, detail: string): FieldCause => ({ reason: "FieldValueInvalid", field, message: `Invalid value: ${show(value)}: ${detail}` });
export const fieldNotSupported = (field: string, value: unknown, valid: unknown[]): FieldCause => ({
  reason: "FieldValueNotSupported",
  field,
  message: `Unsupported value: ${show(value)}: supported values: ${valid.map((v) => show(v)).join(", ")}`,
});
export const fieldDuplicate = (field: string, value: unknown): FieldCause => ({ reason: "FieldValueDuplicate", field, message: `Duplicate value: ${show(value)}` });
export const fieldForbidden = (field: string, detail: string): FieldCause => ({ reason: "FieldValueForbidden", field, message: `Forbidden: ${detail}` });
export const fieldTooLong = (field: string, max: number): FieldCause => ({ reason: "FieldValueTooLong", field, message: `Too long: may not be more than ${max} bytes` });
export const fieldTooMany = (field: string, n: number, max: number): FieldCause => ({ reason: "FieldValueTooMany", field, message: `Too many: ${n}: must have at most ${max} items` });
