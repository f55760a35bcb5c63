import { requestScopeOf } from "../request-scope.js";
import type { ServerResponse } from "node:http";
import { StatusError, internalError } from "../../api/status.js";

export function sendJson(res: ServerResponse, code: number, body: unknown, ownWarnings: string[] = []): void {
  const scope = requestScopeOf(res);
  const warnings = scope?.warnings.length ? [...scope.warnings, ...ownWarnings] : ownWarnings;
  if (scope) scope.responseObject = body;
  const text = JSON.stringify(body);
  const headers: Record<string, string | string[]> = {
    "Content-Type": "application/json",
    "Content-Length": String(Buffer.byteLength(text)),
    "Cache-Control": "no-cache, private",
  };
  if (warnings.length) headers.Warning = warnings.map((w) => `299 - ${JSON.stringify(w)}`);
  res.writeHead(code, headers);
  res.end(text);
}

/** Any error becomes a Status object; what is not a StatusError is a 500 and logged by the caller. */
export function sendError(res: ServerResponse, err: unknown): number {
  const status = err instanceof StatusError ? err : internalError(err instanceof Error ? err.message : String(err));
  if (res.headersSent) {
    res.destroy();
    return status.status.code;
  }
  const extra = status.status.details?.retryAfterSeconds;
  if (extra) res.setHeader("Retry-After", String(extra));
  sendJson(res, status.status.code, status.status);
  return status.status.code;
}
