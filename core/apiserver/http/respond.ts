import { currentRequestScope } from "../request-scope.js";
import type { ServerResponse } from "node:http";
import { StatusError, internalError } from "../../api/status.js";

export function sendJson(res: ServerResponse, code: number, body: unknown, ownWarnings: string[] = []): void {
  const scope = currentRequestScope();
  if (scope) scope.responseObject = body;
  sendJsonText(res, code, JSON.stringify(body), ownWarnings);
}

/**
 * Texts of objects served as they are held, never mutated afterwards (the watch cache's
 * entries and the views the store makes of them): a hot object is serialized once, not on
 * every GET or list that includes it.
 */
const textOf = new WeakMap<object, string>();

export function sharedJson(obj: object): string {
  let text = textOf.get(obj);
  if (text === undefined) {
    text = JSON.stringify(obj);
    textOf.set(obj, text);
  }
  return text;
}

/** A shared object (see sharedJson) as the 200 answer, its text reused. */
export function sendShared(res: ServerResponse, obj: object): void {
  const scope = currentRequestScope();
  if (scope) scope.responseObject = obj;
  sendJsonText(res, 200, sharedJson(obj));
}

/** A list whose items are texts reused from sharedJson; the envelope alone is serialized anew. */
export function sendList(res: ServerResponse, envelope: { kind: string; apiVersion: string; metadata: object }, items: readonly object[]): void {
  const scope = currentRequestScope();
  if (scope) scope.responseObject = { ...envelope, items };
  const head = `{"kind":${JSON.stringify(envelope.kind)},"apiVersion":${JSON.stringify(envelope.apiVersion)},"metadata":${JSON.stringify(envelope.metadata)},"items":[`;
  sendJsonText(res, 200, head + items.map(sharedJson).join(",") + "]}");
}

/** Sends JSON that is already text, with the request's warnings and these. */
export function sendJsonText(res: ServerResponse, code: number, text: string, ownWarnings: string[] = []): void {
  const scope = currentRequestScope();
  const warnings = scope?.warnings.length ? [...scope.warnings, ...ownWarnings] : ownWarnings;
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
