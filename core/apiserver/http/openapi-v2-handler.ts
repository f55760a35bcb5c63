import type { IncomingMessage, ServerResponse } from "node:http";
import type { SwaggerForms } from "./openapi.js";

const PROTO_ACCEPTED = ["application/com.github.proto-openapi.spec.v2@v1.0+protobuf", "application/com.github.proto-openapi.spec.v2.v1.0+protobuf"];
const PROTO_CONTENT_TYPE = "application/com.github.proto-openapi.spec.v2.v1.0+protobuf";

/** The media types of an Accept header, best first (by q, then as written). */
function accepted(header: string): string[] {
  return header
    .split(",")
    .map((part, i) => {
      const [type, ...params] = part.split(";").map((x) => x.trim());
      const q = params.find((p) => p.startsWith("q="));
      return { type: type!.toLowerCase(), q: q ? Number(q.slice(2)) : 1, i };
    })
    .filter((c) => c.type && c.q > 0)
    .sort((a, b) => b.q - a.q || a.i - b.i)
    .map((c) => c.type);
}

/** Which form an Accept header asks for: upstream serves JSON, then protobuf, and 406 for anything else. */
function negotiate(header: string | undefined): "json" | "proto" | undefined {
  if (!header) return "json";
  for (const t of accepted(header)) {
    if (t === "application/json" || t === "application/*" || t === "*/*") return "json";
    if (PROTO_ACCEPTED.includes(t)) return "proto";
  }
  return undefined;
}

/**
 * GET /openapi/v2 as upstream answers it: JSON or gnostic protobuf by Accept, a quoted
 * ETag shared by both forms, 304 for a matching If-None-Match, 406 for other types, and
 * a gzipped body when the client takes one (the document is megabytes).
 */
export function serveOpenApiV2(req: IncomingMessage, res: ServerResponse, forms: SwaggerForms): number {
  const form = negotiate(req.headers.accept);
  if (!form) {
    res.writeHead(406, { "Content-Type": "text/plain; charset=utf-8" });
    res.end("406: Not Acceptable");
    return 406;
  }
  const etag = `"${forms.etag}"`;
  const headers: Record<string, string> = { ETag: etag, Vary: "Accept, Accept-Encoding", "Cache-Control": "no-cache, private" };
  const match = (req.headers["if-none-match"] ?? "").split(",").map((x) => x.trim().replace(/^W\//, ""));
  if (match.includes(etag) || match.includes("*")) {
    res.writeHead(304, headers);
    res.end();
    return 304;
  }
  const gzip = /\bgzip\b/.test(String(req.headers["accept-encoding"] ?? ""));
  const body = gzip ? forms.gzip[form] : forms[form];
  res.writeHead(200, {
    ...headers,
    "Content-Type": form === "proto" ? PROTO_CONTENT_TYPE : "application/json",
    "Content-Length": String(body.length),
    ...(gzip ? { "Content-Encoding": "gzip" } : {}),
  });
  res.end(req.method === "HEAD" ? undefined : body);
  return 200;
}
