import { randomUUID } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Duplex } from "node:stream";
import type { TLSSocket } from "node:tls";
import type { Logger } from "../../kernel/logging.js";
import type { PluginEntry } from "../../kernel/extension-point.js";
import type { Authenticator, Authorizer, RequestAttributes, UserInfo } from "../chains.js";
import { authenticate } from "../filters/authenticate.js";
import { authorize } from "../filters/authorize.js";
import { hasImpersonation, impersonate } from "../filters/impersonate.js";
import { badRequest, internalError, notFound, serviceUnavailable, StatusError } from "../../api/status.js";
import { isKubeletSubresource, kubeletTarget } from "../kubelet/kubelet-connection.js";
import { proxyUpgrade, refuse } from "../kubelet/kubelet-proxy.js";
import { RequestAudit, type AuditContext } from "../audit/recorder.js";
import { runInRequestScope, type RequestScope } from "../request-scope.js";
import { parseRequestInfo, type RequestInfo } from "./request-info.js";
import { sendError, sendJson } from "./respond.js";
import { handleResource, type HandlerContext } from "./resource-handler.js";
import { aggregatedDiscovery, aggregatedVersion, apiGroupList, apiGroupOf, apiVersions, resourceList } from "./discovery.js";
import type { RequestMetrics } from "./metrics.js";
import type { OpenApi } from "./openapi.js";
import { serveOpenApiV2 } from "./openapi-v2-handler.js";
import type { ServiceAccountIssuer } from "../service-account-issuer.js";

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
  audit: AuditContext;
  /** Issuer discovery for service-account tokens. */
  serviceAccountIssuer: ServiceAccountIssuer;
}

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
    upgrade: (req, socket, head) => void upgrade(req, socket, head, ctx),
  };
}

/**
 * An HTTP/1.1 upgrade (WebSocket or SPDY): pods' exec, attach and portforward go to the pod's
 * kubelet once the caller may `create` them (upstream's rule for WebSocket upgrades since 1.31);
 * any other upgrade gets a Status on the connection it came on.
 */
async function upgrade(req: IncomingMessage, socket: Duplex, head: Buffer, ctx: AppContext): Promise<void> {
  try {
    const { pathname, searchParams } = splitUrl(req.url ?? "/");
    const info = parseRequestInfo(req.method ?? "GET", pathname, searchParams);
    if (!info.resourceRequest || info.group !== "" || info.resource !== "pods" || !info.name || !isKubeletSubresource(info.subresource) || info.subresource === "log") {
      throw badRequest(`upgrade to ${String(req.headers.upgrade)} is not supported on ${req.url}`);
    }
    if (!ctx.kubelet) throw serviceUnavailable("this API server has no kubelet client credentials (it serves plain HTTP)");
    const { user } = await identify(req, pathname, ctx);
    await authorize(ctx.authorizers(), attributes({ ...info, verb: "create" }, user));
    const target = await kubeletTarget(ctx.stores, ctx.kubelet, info.namespace!, info.name, info.subresource!, searchParams);
    proxyUpgrade(req, socket, head, target, ctx.kubelet);
  } catch (err) {
    if (!(err instanceof StatusError)) ctx.logger.error({ err, path: req.url }, "upgrade failed");
    refuse(socket, err instanceof StatusError ? err : internalError((err as Error).message));
  }
}

/** The caller as authenticated, and the user it acts as: the one it impersonates when it asks to (each part authorized). */
async function identify(req: IncomingMessage, path: string, ctx: AppContext): Promise<{ authenticated: UserInfo; user: UserInfo }> {
  const peer = peerCertificate(req);
  const authenticated = await authenticate(ctx.authenticators(), { headers: req.headers, path, ...(peer && Object.keys(peer).length ? { peerCertificate: peer } : {}) });
  const user = hasImpersonation(req.headers) ? await impersonate(ctx.authorizers(), authenticated, distinctHeaders(req.rawHeaders)) : authenticated;
  return { authenticated, user };
}

function serve(req: IncomingMessage, res: ServerResponse, ctx: AppContext): Promise<void> {
  const given = req.headers["audit-id"];
  const scope: RequestScope = { auditID: typeof given === "string" && given ? given : randomUUID(), warnings: [], auditAnnotations: {} };
  res.setHeader("Audit-Id", scope.auditID);
  return runInRequestScope(scope, () => serveInScope(req, res, ctx, scope));
}

async function serveInScope(req: IncomingMessage, res: ServerResponse, ctx: AppContext, scope: RequestScope): Promise<void> {
  const { pathname, searchParams } = splitUrl(req.url ?? "/");
  const path = pathname.length > 1 ? pathname.replace(/\/+$/, "") : pathname;
  const info = parseRequestInfo(req.method ?? "GET", path, searchParams);
  const started = process.hrtime.bigint();
  let code = 500;
  let audit: RequestAudit | undefined;
  try {
    let authenticated: UserInfo;
    let user: UserInfo;
    try {
      ({ authenticated, user } = await identify(req, path, ctx));
    } catch (err) {
      // Health and version stay readable to anyone, as upstream's system:public-info-viewer grants.
      if (!PUBLIC_PATHS.has(path) || !(err instanceof StatusError) || err.status.code !== 401) throw err;
      authenticated = user = { name: "system:anonymous", groups: ["system:unauthenticated"] };
    }
    audit = new RequestAudit(ctx.audit, req, info, authenticated, user === authenticated ? undefined : user, scope);
    audit.requestReceived();
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
    audit?.complete(code);
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
  if (path === "/.well-known/openid-configuration") {
    sendJson(res, 200, ctx.serviceAccountIssuer.openidConfiguration(`https://${ctx.serverAddress()}`));
    return 200;
  }
  if (path === "/openid/v1/jwks") {
    // Upstream serves the key set as application/jwk-set+json.
    const body = JSON.stringify(await ctx.serviceAccountIssuer.jwks());
    res.writeHead(200, { "Content-Type": "application/jwk-set+json", "Content-Length": String(Buffer.byteLength(body)) });
    res.end(body);
    return 200;
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
