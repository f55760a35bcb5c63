import type { ServerResponse } from "node:http";
import { StatusError, internalError } from "../../api/status.js";

export function sendJson(res: ServerResponse, code: number, body: unknown, warnings: string[] = []): void {
  sendJsonText(res, code, JSON.stringify(body), warnings);
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

/** A list whose items are texts reused from sharedJson; the envelope alone is serialized anew. */
export function sendList(res: ServerResponse, envelope: { kind: string; apiVersion: string; metadata: object }, items: readonly object[]): void {
  const head = `{"kind":${JSON.stringify(envelope.kind)},"apiVersion":${JSON.stringify(envelope.apiVersion)},"metadata":${JSON.stringify(envelope.metadata)},"items":[`;
  sendJsonText(res, 200, head + items.map(sharedJson).join(",") + "]}");
}

/** Sends JSON that is already text. */
export function sendJsonText(res: ServerResponse, code: number, text: string, warnings: string[] = []): void {
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
