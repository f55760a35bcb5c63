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
  encodeObject: (obj: Record<string, any>) => unknown = (o) => o,
): void {
  const filter = store.filter(namespace, q);
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
      onEvent: (type, object) => write(type, encodeObject(store.withTypeMeta(structuredClone(object)))),
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
