import { StatusError, type StatusObject } from "../api/status.js";

/**
 * A failed API call: the server's Status (code, reason, details) and the request that got it.
 * A body that is not a Status (a proxy's HTML page, a reset connection) becomes one with the
 * HTTP code and a reason derived from it, so callers only ever test `code` and `reason`.
 */
export class ApiStatusError extends StatusError {
  constructor(
    status: StatusObject,
    readonly method: string,
    readonly path: string,
  ) {
    super(status);
    this.name = "ApiStatusError";
  }

  get code(): number {
    return this.status.code;
  }

  get reason(): string {
    return this.status.reason ?? "";
  }
}

const reasonsByCode: Record<number, string> = {
  400: "BadRequest",
  401: "Unauthorized",
  403: "Forbidden",
  404: "NotFound",
  405: "MethodNotAllowed",
  406: "NotAcceptable",
  409: "Conflict",
  410: "Gone",
  413: "RequestEntityTooLarge",
  415: "UnsupportedMediaType",
  422: "Invalid",
  429: "TooManyRequests",
  500: "InternalError",
  503: "ServiceUnavailable",
  504: "Timeout",
};

export function statusErrorFromResponse(code: number, body: string, method: string, path: string): ApiStatusError {
  try {
    const parsed = JSON.parse(body) as StatusObject;
    if (parsed && parsed.kind === "Status") return new ApiStatusError({ ...parsed, code: parsed.code || code }, method, path);
  } catch {
    // Not JSON: described below from the HTTP code.
  }
  const reason = reasonsByCode[code] ?? (code >= 500 ? "InternalError" : "Unknown");
  const message = `${method} ${path}: HTTP ${code}${body ? `: ${body.slice(0, 200)}` : ""}`;
  return new ApiStatusError({ kind: "Status", apiVersion: "v1", metadata: {}, status: "Failure", code, reason, message }, method, path);
}

function reasonOf(err: unknown): string | undefined {
  return err instanceof StatusError ? err.status.reason : undefined;
}

export function statusCodeOf(err: unknown): number | undefined {
  return err instanceof StatusError ? err.status.code : undefined;
}

export const isNotFound = (err: unknown) => statusCodeOf(err) === 404;
export const isAlreadyExists = (err: unknown) => statusCodeOf(err) === 409 && reasonOf(err) === "AlreadyExists";
export const isConflict = (err: unknown) => statusCodeOf(err) === 409 && reasonOf(err) !== "AlreadyExists";
/** 410: a watch or list asked for a revision the server has compacted away. */
export const isGone = (err: unknown) => statusCodeOf(err) === 410;
export const isInvalid = (err: unknown) => statusCodeOf(err) === 422;
export const isForbidden = (err: unknown) => statusCodeOf(err) === 403;
export const isMethodNotSupported = (err: unknown) => statusCodeOf(err) === 405;
