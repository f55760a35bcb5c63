import type { IncomingMessage, ServerResponse } from "node:http";
import type { Duplex } from "node:stream";
import type { TLSSocket } from "node:tls";
import type { Logger } from "../../kernel/logging.js";
import type { PluginEntry } from "../../kernel/extension-point.js";
import type { Authenticator, Authorizer, RequestAttributes, UserInfo } from "../chains.js";
import { authenticate } from "../filters/authenticate.js";
import { authorize } from "../filters/authorize.js";
import { hasImpersonation, impersonate } from "../filters/impersonate.js";
import { notFound, StatusError } from "../../api/status.js";
import { parseRequestInfo, type RequestInfo } from "./request-info.js";
import { sendError, sendJson } from "./respond.js";
import { handleResource, type HandlerContext } from "./resource-handler.js";
import { aggregatedDiscovery, aggregatedVersion, apiGroupList, apiGroupOf, apiVersions, resourceList } from "./discovery.js";
import type { RequestMetrics } from "./metrics.js";
import type { OpenApi } from "./openapi.js";
import { serveOpenApiV2 } from "./openapi-v2-handler.js";

export interface AppContext extends HandlerContext {
  logger: Logger;
  authenticators: () => readonly PluginEntry<Authenticator>[];
  authorizers: () => readonly PluginEntry<Authorizer>[];
  metrics: RequestMetrics;
  metricsText: () => Promise<string>;
  version: { major: string; minor: string; gitVersion: string };
  serverAddress: () => string;
  openapi: OpenApi;
  /** Named checks for /healthz, /livez and /readyz. */
  checks: () => { name: string; ok: boolean }[];
  /** Subresources served over an HTTP/1.1 upgrade (pods/exec), keyed `group/plural/subresource`. */
  upgrades?: UpgradeHandlers;
}

export interface UpgradeRequest {
  req: IncomingMessage;
  socket: Duplex;
  head: Buffer;
  namespace: string | undefined;
  name: string;
  query: URLSearchParams;
}
export type UpgradeHandlers = Map<string, (r: UpgradeRequest) => Promise<void>>;

const PUBLIC_PATHS = new Set(["/healthz", "/livez", "/readyz", "/version"]);

/** What the listener hands requests to: HTTP/2 streams and HTTP/1.1 requests alike, and HTTP/1.1 upgrades. */
export interface App {
  request(req: IncomingMessage, res: ServerResponse): void;
  upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void;
}

/**
 * The HTTP face of the API server: authentication, authorization, then either a
 * resource request or one of the server's own paths. It reads only what HTTP/1.1
 * and HTTP/2's compatibility request/response share, so one dispatcher serves both.
 */
export function createApp(ctx: AppContext): App {
  return {
    request: (req, res) => void serve(req, res, ctx),
    upgrade: (req, socket, head) => void serveUpgrade(req, socket, head, ctx),
  };
}

/** A Status on the HTTP/1.1 connection an upgrade request came on. */
function refuseUpgrade(socket: Duplex, code: number, reason: string, message: string): void {
  const body = JSON.stringify({ kind: "Status", apiVersion: "v1", metadata: {}, status: "Failure", message, reason, code });
  socket.end(`HTTP/1.1 ${code} ${reason}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`);
}

/**
 * Upgrade requests (SPDY or WebSocket) pass authentication and authorization as any request, then
 * go to the subresource's upgrade handler (pods/exec); anything else gets a 400 Status.
 */
async function serveUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer, ctx: AppContext): Promise<void> {
  const { pathname, searchParams } = splitUrl(req.url ?? "/");
  const info = parseRequestInfo(req.method ?? "GET", pathname, searchParams);
  try {
    const peer = peerCertificate(req);
    let user = await authenticate(ctx.authenticators(), { headers: req.headers, path: pathname, ...(peer && Object.keys(peer).length ? { peerCertificate: peer } : {}) });
    if (hasImpersonation(req.headers)) user = await impersonate(ctx.authorizers(), user, distinctHeaders(req.rawHeaders));
    await authorize(ctx.authorizers(), attributes(info, user));
    const handler = info.resourceRequest && info.subresource && info.name ? ctx.upgrades?.get(`${info.group}/${info.resource}/${info.subresource}`) : undefined;
    if (!handler) return refuseUpgrade(socket, 400, "BadRequest", `upgrade to ${String(req.headers.upgrade)} is not supported on ${req.url}`);
    await handler({ req, socket, head, namespace: info.namespace, name: info.name!, query: searchParams });
  } catch (err) {
    if (err instanceof StatusError) return refuseUpgrade(socket, err.status.code ?? 500, err.status.reason ?? "InternalError", err.status.message ?? String(err));
    ctx.logger.error({ err, path: pathname }, "upgrade request failed");
    refuseUpgrade(socket, 500, "InternalError", (err as Error).message);
  }
}

async function serve(req: IncomingMessage, res: ServerResponse, ctx: AppContext): Promise<void> {
  const { pathname, searchParams } = splitUrl(req.url ?? "/");
  const path = pathname.length > 1 ? pathname.replace(/\/+$/, "") : pathname;
  const info = parseRequestInfo(req.method ?? "GET", path, searchParams);
  const started = process.hrtime.bigint();
  let code = 500;
  try {
    const peer = peerCertificate(req);
    let user: UserInfo;
    try {
      user = await authenticate(ctx.authenticators(), { headers: req.headers, path, ...(peer && Object.keys(peer).length ? { peerCertificate: peer } : {}) });
    } catch (err) {
      // Health and version stay readable to anyone, as upstream's system:public-info-viewer grants.
      if (!PUBLIC_PATHS.has(path)) throw err;
      user = { name: "system:anonymous", groups: ["system:unauthenticated"] };
    }
    if (hasImpersonation(req.headers)) user = await impersonate(ctx.authorizers(), user, distinctHeaders(req.rawHeaders));
    await authorize(ctx.authorizers(), attributes(info, user));
    if (info.resourceRequest) {
      await handleResource(req, res, info, user, searchParams, ctx);
      code = res.statusCode;
    } else {
      code = await serveNonResource(req, res, path, searchParams, info, ctx);
    }
  } catch (err) {
    if (!(err instanceof StatusError)) ctx.logger.error({ err, path, method: req.method }, "request failed");
    code = sendError(res, err);
  } finally {
    if (info.verb === "watch" && code === 200) {
      const labels = requestLabels(info).labels;
      ctx.metrics.longRunning.inc(labels);
      if ((res as { closed?: boolean }).closed) ctx.metrics.longRunning.dec(labels);
      else res.once("close", () => ctx.metrics.longRunning.dec(labels));
    } else if (info.verb !== "watch") {
      const labels = requestLabels(info);
      ctx.metrics.total.inc(labels.withCode(code));
      ctx.metrics.duration.observe(labels.labels, Number(process.hrtime.bigint() - started) / 1e9);
    }
  }
}

type PeerCertificate = ReturnType<TLSSocket["getPeerCertificate"]>;
/** A plain path (the usual API request) is split as it is; anything a URL parser would rewrite goes through one. */
const PLAIN_PATH = /^(?:\/[A-Za-z0-9\-_~%:@+,;=!$'()*][A-Za-z0-9\-._~%:@+,;=!$'()*]*)*\/*$/;

function splitUrl(raw: string): { pathname: string; searchParams: URLSearchParams } {
  const q = raw.indexOf("?");
  const pathname = q < 0 ? raw : raw.slice(0, q);
  if (pathname.startsWith("/") && PLAIN_PATH.test(pathname)) return { pathname, searchParams: new URLSearchParams(q < 0 ? "" : raw.slice(q + 1)) };
  const url = new URL(raw, "http://x");
  return { pathname: url.pathname, searchParams: url.searchParams };
}

const peers = new WeakMap<object, PeerCertificate | undefined>();

/**
 * The verified client certificate of a connection, read once per connection rather
 * than per request. An HTTP/2 request's `socket` is a fresh proxy per stream, so the
 * session is what identifies its connection.
 */
function peerCertificate(req: IncomingMessage): PeerCertificate | undefined {
  const session = (req as { stream?: { session?: { socket: TLSSocket } } }).stream?.session;
  const conn: object = session ?? req.socket;
  if (peers.has(conn)) return peers.get(conn);
  const socket = (session?.socket ?? req.socket) as TLSSocket;
  const peer = socket.authorized ? socket.getPeerCertificate?.() : undefined;
  peers.set(conn, peer);
  return peer;
}

type Labels = Record<"verb" | "group" | "version" | "resource" | "subresource" | "scope" | "component", string>;
interface RequestLabels {
  labels: Labels;
  withCode(code: number): Labels & { code: string };
}
/** Label sets by request shape, built once: a busy server sees few shapes and many requests. */
const labelSets = new Map<string, RequestLabels>();
const MAX_LABEL_SETS = 10_000;

function requestLabels(info: RequestInfo): RequestLabels {
  const scope = info.resourceRequest ? (info.name ? "resource" : info.namespace ? "namespace" : "cluster") : "";
  const id = `${info.verb} ${info.group} ${info.version} ${info.resource ?? ""} ${info.subresource ?? ""} ${scope}`;
  let set = labelSets.get(id);
  if (!set) {
    const labels: Labels = { verb: upstreamVerb(info.verb), group: info.group, version: info.version, resource: info.resource ?? "", subresource: info.subresource ?? "", scope, component: "apiserver" };
    const byCode = new Map<number, Labels & { code: string }>();
    set = {
      labels,
      withCode: (code) => {
        let l = byCode.get(code);
        if (!l) byCode.set(code, (l = { ...labels, code: String(code) }));
        return l;
      },
    };
    // Resource names are client-chosen (and unknown ones still reach here): never let them grow the map without bound.
    if (labelSets.size >= MAX_LABEL_SETS) labelSets.clear();
    labelSets.set(id, set);
  }
  return set;
}

function upstreamVerb(v: string): string {
  return ({ get: "GET", list: "LIST", watch: "WATCH", create: "POST", update: "PUT", patch: "PATCH", delete: "DELETE", deletecollection: "DELETE" } as Record<string, string>)[v] ?? v.toUpperCase();
}

function attributes(info: RequestInfo, user: UserInfo): RequestAttributes {
  return {
    user,
    verb: info.resourceRequest ? info.verb : (({ get: "get", head: "get", post: "post", put: "put", patch: "patch", delete: "delete" }) as Record<string, string>)[info.verb] ?? info.verb,
    resourceRequest: info.resourceRequest,
    path: info.path,
    ...(info.resourceRequest
      ? {
          apiGroup: info.group,
          apiVersion: info.version,
          ...(info.namespace && info.resource !== "namespaces" ? { namespace: info.namespace } : {}),
          ...(info.resource ? { resource: info.resource } : {}),
          ...(info.subresource ? { subresource: info.subresource } : {}),
          ...(info.name ? { name: info.name } : {}),
        }
      : {}),
  };
}

async function serveNonResource(req: IncomingMessage, res: ServerResponse, path: string, q: URLSearchParams, info: RequestInfo, ctx: AppContext): Promise<number> {
  if (req.method !== "GET" && req.method !== "HEAD") throw notFound({ group: "", resource: "" }, "", "the server could not find the requested resource");
  if (path === "/version") {
    sendJson(res, 200, { ...ctx.version, gitCommit: "kitbash", gitTreeState: "clean", buildDate: "2026-11-25T00:00:00Z", goVersion: `node${process.versions.node}`, compiler: "tsc", platform: `${process.platform}/${process.arch}` });
    return 200;
  }
  if (path === "/healthz" || path === "/livez" || path === "/readyz") return health(res, path, q, ctx);
  if (path.startsWith("/healthz/") || path.startsWith("/livez/") || path.startsWith("/readyz/")) {
    const [, base, check] = path.split("/");
    const c = ctx.checks().find((x) => x.name === check);
    if (!c) throw notFound({ group: "", resource: "" }, "", "the server could not find the requested resource");
    res.writeHead(c.ok ? 200 : 500, { "Content-Type": "text/plain; charset=utf-8" });
    res.end(c.ok ? "ok" : `[-]${check} failed: reason withheld\n${base} check failed`);
    return c.ok ? 200 : 500;
  }
  if (path === "/metrics") {
    const text = await ctx.metricsText();
    res.writeHead(200, { "Content-Type": "text/plain; version=0.0.4; charset=utf-8" });
    res.end(text);
    return 200;
  }
  if (path === "/openapi/v2") return serveOpenApiV2(req, res, ctx.openapi.v2());
  if (path === "/openapi/v3") {
    sendJson(res, 200, ctx.openapi.index());
    return 200;
  }
  if (path.startsWith("/openapi/v3/")) {
    const doc = ctx.openapi.document(path.slice("/openapi/v3/".length));
    if (doc) {
      // Documents are addressed by hash; a hash-stamped URL never changes.
      const immutable = q.get("hash") === doc.hash;
      res.writeHead(200, { "Content-Type": "application/json", "Content-Length": String(Buffer.byteLength(doc.text)), ...(immutable ? { "Cache-Control": "public, immutable", Expires: new Date(Date.now() + 365 * 86400_000).toUTCString() } : { "Cache-Control": "no-cache, private" }) });
      res.end(doc.text);
      return 200;
    }
  }
  if (path === "/api" || path === "/apis") {
    const aggregated = aggregatedVersion(req.headers.accept);
    if (aggregated) {
      const body = JSON.stringify(aggregatedDiscovery(ctx.stores.catalog, path === "/api", aggregated));
      res.writeHead(200, { "Content-Type": `application/json;g=apidiscovery.k8s.io;v=${aggregated};as=APIGroupDiscoveryList`, "Content-Length": String(Buffer.byteLength(body)) });
      res.end(body);
      return 200;
    }
    sendJson(res, 200, path === "/api" ? apiVersions(ctx.serverAddress()) : apiGroupList(ctx.stores.catalog));
    return 200;
  }
  if (info.prefix === "api" && info.version) {
    const list = resourceList(ctx.stores.catalog, "", info.version);
    if (list) {
      sendJson(res, 200, list);
      return 200;
    }
  }
  if (info.prefix === "apis" && info.group) {
    const body = info.version ? resourceList(ctx.stores.catalog, info.group, info.version) : apiGroupOf(ctx.stores.catalog, info.group);
    if (body) {
      sendJson(res, 200, body);
      return 200;
    }
  }
  throw notFound({ group: "", resource: "" }, "", "the server could not find the requested resource");
}

function health(res: ServerResponse, path: string, q: URLSearchParams, ctx: AppContext): number {
  const checks = ctx.checks();
  const ok = checks.every((c) => c.ok);
  const code = ok ? 200 : 500;
  res.writeHead(code, { "Content-Type": "text/plain; charset=utf-8", "X-Content-Type-Options": "nosniff" });
  if (q.has("verbose")) {
    const lines = checks.map((c) => (c.ok ? `[+]${c.name} ok` : `[-]${c.name} failed: reason withheld`));
    res.end(`${lines.join("\n")}\n${path.slice(1)} check ${ok ? "passed" : "failed"}\n`);
  } else {
    res.end(ok ? "ok" : `${path.slice(1)} check failed`);
  }
  return code;
}

/**
 * Every value of every header, repeated ones kept apart (Impersonate-Group may repeat).
 * Built from the raw pairs because HTTP/2 requests have no `headersDistinct`.
 */
function distinctHeaders(raw: readonly string[]): NodeJS.Dict<string[]> {
  const out: NodeJS.Dict<string[]> = {};
  for (let i = 0; i + 1 < raw.length; i += 2) (out[raw[i]!.toLowerCase()] ??= []).push(raw[i + 1]!);
  return out;
}
