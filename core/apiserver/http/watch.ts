import type { IncomingMessage, ServerResponse } from "node:http";
import type { ResourceStore } from "../registry/store.js";
import { apiVersionOf } from "../registry/served-resource.js";
import { badRequest } from "../../api/status.js";

export interface WatchQuery {
  resourceVersion?: string;
  allowWatchBookmarks: boolean;
  timeoutSeconds?: number;
  sendInitialEvents: boolean;
  labelSelector?: string;
  fieldSelector?: string;
}

/**
 * Streams watch events as newline-delimited JSON over a streamed response, flushing
 * each event; a 410 for a compacted revision is an ERROR event, then the end.
 */
export function serveWatch(
  req: IncomingMessage,
  res: ServerResponse,
  store: ResourceStore,
  namespace: string | undefined,
  q: WatchQuery,
  defaultTimeoutSeconds: number,
  encodeObject?: (obj: Record<string, any>) => unknown,
): void {
  const filter = store.storedFilter(namespace, q);
  let from: number | undefined;
  if (q.resourceVersion && q.resourceVersion !== "0") {
    from = Number(q.resourceVersion);
    if (!Number.isInteger(from) || from < 0) throw badRequest(`invalid resource version: ${q.resourceVersion}`);
  }
  if (q.sendInitialEvents && from !== undefined) from = undefined;

  // No Content-Length: HTTP/1.1 then frames it chunked, HTTP/2 as DATA frames (where Transfer-Encoding is forbidden).
  res.writeHead(200, { "Content-Type": "application/json", "Cache-Control": "no-cache, private" });
  res.flushHeaders?.();
  let closed = false;
  const write = (type: string, object: unknown) => {
    if (closed) return;
    res.write(JSON.stringify({ type, object }) + "\n");
  };
  const apiVersion = apiVersionOf(store.res);
  const kind = store.res.kind;
  const bookmark = (rv: number, extra?: Record<string, string>) =>
    write("BOOKMARK", {
      kind: store.res.kind,
      apiVersion: apiVersionOf(store.res),
      metadata: { resourceVersion: String(rv), ...(extra ? { annotations: extra } : {}) },
    });

  const handle = store.cache.watch(
    from,
    filter,
    {
      onEvent: (type, object) => {
        if (closed) return;
        if (encodeObject) write(type, encodeObject(store.view(object)));
        // Converted resources differ per served version, so their lines are not shared.
        else if (store.converts) write(type, store.view(object));
        else res.write(eventLine(type, object, apiVersion, kind));
      },
      onBookmark: (rv) => q.allowWatchBookmarks && bookmark(rv),
      onError: (err) => {
        const status =
          "code" in err && err.code === 410
            ? { kind: "Status", apiVersion: "v1", metadata: {}, status: "Failure", message: err.message, reason: "Expired", code: 410 }
            : { kind: "Status", apiVersion: "v1", metadata: {}, status: "Failure", message: (err as Error).message, reason: "InternalError", code: 500 };
        write("ERROR", status);
        finish();
      },
    },
    { sendInitialEvents: q.sendInitialEvents },
  );
  if (q.sendInitialEvents && q.allowWatchBookmarks) bookmark(store.cache.revision(), { "k8s.io/initial-events-end": "true" });

  const timeoutMs = (q.timeoutSeconds && q.timeoutSeconds > 0 ? q.timeoutSeconds : defaultTimeoutSeconds * (1 + Math.random())) * 1000;
  const timer = setTimeout(() => finish(), timeoutMs);
  function finish() {
    if (closed) return;
    closed = true;
    clearTimeout(timer);
    handle.close();
    res.end();
  }
  req.on("close", finish);
  res.on("close", finish);
}

/** Encoded events by the cached object they carry: every watcher of an event sends the same bytes. */
const lines = new WeakMap<object, Map<string, string>>();

/**
 * One event as a JSON line, encoded once however many watches send it. Cached objects
 * are immutable, so the object itself keys its encodings (by event type and served apiVersion).
 */
function eventLine(type: string, object: Record<string, any>, apiVersion: string, kind: string): string {
  let byType = lines.get(object);
  if (!byType) lines.set(object, (byType = new Map()));
  const key = `${type} ${apiVersion}`;
  let line = byType.get(key);
  if (line === undefined) {
    line = JSON.stringify({ type, object: { ...object, apiVersion, kind } }) + "\n";
    byType.set(key, line);
  }
  return line;
}
