import type { IncomingMessage, ServerResponse } from "node:http";
import type { UserInfo } from "../chains.js";
import type { RequestInfo } from "./request-info.js";
import type { Stores } from "../registry/stores.js";
import type { ResourceStore, DeleteOptions } from "../registry/store.js";
import type { KubeObj } from "../registry/strategy.js";
import { apiVersionOf, hasSubresource, type ServedResource } from "../registry/served-resource.js";
import { badRequest, methodNotSupported, notFound, successStatus, StatusError } from "../../api/status.js";
import { decodeBody, mediaType, readBody } from "./body.js";
import { serveResourceProxy } from "../kubelet/resource-proxy.js";
import type { KubeletCredentials } from "../kubelet/kubelet-connection.js";
import { sendJson, sendJsonText, sendList, sharedJson } from "./respond.js";
import { partialObjectMetadata, partialObjectMetadataList, wantsPartialMetadata } from "./partial-metadata.js";
import { serveWatch } from "./watch.js";
import { applyPatch } from "./patch.js";
import { APPLY_PATCH, checkPatchOptions, serverSideApply } from "./apply.js";
import { scaleOf, withScale } from "../registry/scale.js";
import type { SubresourceHandlers } from "../registry/subresources.js";
import type { ReviewHandlers } from "../registry/reviews.js";
import { checkTypes } from "../registry/type-check.js";
import { dropOmittedEmpty } from "../registry/omit-empty.js";
import { scaleTable, toTable, wantsTable, type IncludeObject } from "./table.js";

/**
 * Wrong types are 400 as Go's decoder answers; unknown fields follow fieldValidation:
 * Strict rejects, Warn (the default) answers with Warning headers, Ignore drops them.
 * What Go's encoder would leave out (empty omitempty fields) is left out.
 */
function checkBody(served: ServedResource, body: KubeObj, query: URLSearchParams, warnings: string[]): void {
  if (!served.definition) return;
  const { typeErrors, unknownFields } = checkTypes(body, served.definition);
  if (typeErrors.length) throw badRequest(`${served.kind} in version "${served.version}" cannot be handled as a ${served.kind}: ${typeErrors[0]!.message}`);
  dropOmittedEmpty(body, served.definition);
  if (!unknownFields.length) return;
  const mode = query.get("fieldValidation") ?? "Warn";
  if (mode === "Strict") throw badRequest(`strict decoding error: ${unknownFields.map((f) => `unknown field "${f}"`).join(", ")}`);
  if (mode === "Warn") for (const f of unknownFields) warnings.push(`unknown field "${f}"`);
}

export interface HandlerContext {
  stores: Stores;
  maxBodyBytes: number;
  minRequestTimeoutSeconds: number;
  subresources: SubresourceHandlers;
  reviews: ReviewHandlers;
  /** How to reach kubelets (logs, exec, attach, port-forward, nodes/proxy); absent when serving plain HTTP. */
  kubelet?: KubeletCredentials;
}

/** Answers one resource request whose identity is known and authorized. */
export async function handleResource(req: IncomingMessage, res: ServerResponse, info: RequestInfo, user: UserInfo, query: URLSearchParams, ctx: HandlerContext): Promise<void> {
  const served = ctx.stores.catalog.get(info.group, info.version, info.resource!);
  if (!served) throw notFound({ group: info.group, resource: info.resource! }, info.name ?? "", "the server could not find the requested resource");
  if (served.namespaced === false && info.namespace && info.resource !== "namespaces") {
    throw notFound({ group: info.group, resource: info.resource! }, info.name ?? "", "the server could not find the requested resource");
  }
  const namespace = served.namespaced ? info.namespace : undefined;
  if (served.namespaced && !namespace && info.name !== undefined) {
    throw notFound({ group: info.group, resource: info.resource! }, info.name, "the server could not find the requested resource");
  }
  const store = await ctx.stores.get(served);
  const dryRun = query.getAll("dryRun").includes("All");
  const opts = {
    user,
    dryRun,
    ...(query.get("fieldManager") ? { fieldManager: query.get("fieldManager")! } : {}),
    ...(req.headers["user-agent"] ? { userAgent: req.headers["user-agent"] } : {}),
  };

  if (info.subresource === "proxy" && served.group === "" && ["nodes", "pods", "services"].includes(served.plural)) {
    await serveResourceProxy(req, res, ctx.stores, ctx.kubelet, served.plural, namespace, info.name!, info.rest, query);
    return;
  }
  if (info.subresource) {
    await handleSubresource(req, res, info, served, store, namespace, opts, query, ctx);
    return;
  }
  const warnings: string[] = [];
  const collectionOnly = info.name === undefined && (info.verb === "update" || info.verb === "patch");
  const verbAllowed = served.verbs.includes(info.verb) && !collectionOnly;
  if (!verbAllowed) throw methodNotSupported({ group: served.group, resource: served.plural }, info.verb);

  // kubectl asks for server-side printing with as=Table in the Accept header.
  const table = wantsTable(req.headers.accept);
  const include = (query.get("includeObject") ?? "Metadata") as IncludeObject;
  const metadataOnly = table ? undefined : wantsPartialMetadata(req.headers.accept);
  switch (info.verb) {
    case "get": {
      const obj = await store.read(namespace, info.name!);
      if (table) return sendJson(res, 200, toTable(served, [obj], { resourceVersion: obj.metadata.resourceVersion }, include));
      if (metadataOnly) return sendJson(res, 200, partialObjectMetadata(obj, metadataOnly));
      return sendJsonText(res, 200, sharedJson(obj));
    }
    case "list": {
      const list = await store.list(namespace, listQuery(query));
      const metadata = { resourceVersion: list.resourceVersion, ...(list.continue ? { continue: list.continue } : {}), ...(list.remainingItemCount !== undefined ? { remainingItemCount: list.remainingItemCount } : {}) };
      if (table) return sendJson(res, 200, toTable(served, list.items, metadata, include));
      if (metadataOnly) return sendJson(res, 200, partialObjectMetadataList(list.items, metadata, metadataOnly));
      return sendList(res, { kind: served.listKind, apiVersion: apiVersionOf(served), metadata }, list.items);
    }
    case "watch":
      return serveWatch(
        req,
        res,
        store,
        namespace,
        {
          ...listQuery(query),
          allowWatchBookmarks: query.get("allowWatchBookmarks") === "true",
          sendInitialEvents: query.get("sendInitialEvents") === "true",
          ...(query.get("timeoutSeconds") ? { timeoutSeconds: Number(query.get("timeoutSeconds")) } : {}),
        },
        ctx.minRequestTimeoutSeconds,
        table ? tableEncoder(served, include) : metadataOnly ? (o) => partialObjectMetadata(o as { metadata: object }, metadataOnly) : undefined,
      );
    case "create": {
      if (info.name !== undefined) throw methodNotSupported({ group: served.group, resource: served.plural }, "create");
      const body = await objectBody(req, ctx);
      checkBody(served, body, query, warnings);
      const review = ctx.reviews.get(`${served.group}/${served.plural}`);
      if (review) return sendJson(res, 201, await review({ served, body, user, namespace }), warnings);
      const created = await store.create(namespace, body, opts);
      return sendJson(res, 201, created, warnings);
    }
    case "update": {
      const body = await objectBody(req, ctx);
      checkBody(served, body, query, warnings);
      const { obj, created } = await store.update(namespace, info.name!, body, opts);
      return sendJson(res, created ? 201 : 200, obj, warnings);
    }
    case "patch": {
      const type = mediaType(req);
      checkPatchOptions(type, query);
      const patch = await decodeBody(await readBody(req, ctx.maxBodyBytes), type);
      if (type === APPLY_PATCH) {
        checkBody(served, patch as KubeObj, query, warnings);
        const { obj, created } = await serverSideApply(store, served, namespace, info.name!, patch, opts, query.get("force") === "true");
        return sendJson(res, created ? 201 : 200, obj, warnings);
      }
      const { obj } = await store.guaranteedUpdate(namespace, info.name!, opts, (current) => {
        const next = applyPatch(type, current, patch, served);
        warnings.length = 0;
        checkBody(served, next, query, warnings);
        return next;
      });
      return sendJson(res, 200, obj, warnings);
    }
    case "delete": {
      const del = await deleteOptions(req, query, ctx, opts);
      const { obj, deleted } = await store.delete(namespace, info.name!, del);
      if (!deleted || served.kind === "Pod") return sendJson(res, 200, obj);
      return sendJson(res, 200, successStatus({ name: info.name!, group: served.group, kind: served.plural, uid: obj.metadata.uid }));
    }
    case "deletecollection": {
      const del = await deleteOptions(req, query, ctx, opts);
      const list = await store.list(namespace, listQuery(query));
      for (const item of list.items) {
        try {
          await store.delete(item.metadata.namespace, item.metadata.name, del);
        } catch (err) {
          if (!(err instanceof StatusError && err.status.code === 404)) throw err;
        }
      }
      return sendJson(res, 200, { kind: served.listKind, apiVersion: apiVersionOf(served), metadata: { resourceVersion: list.resourceVersion }, items: list.items });
    }
    default:
      throw methodNotSupported({ group: served.group, resource: served.plural }, info.verb);
  }
}

/** Watch events as one-row Tables; column definitions travel with the first event only, as upstream sends them. */
function tableEncoder(served: ServedResource, include: IncludeObject) {
  let first = true;
  return (o: Record<string, any>) => {
    const t = toTable(served, [o as KubeObj], { resourceVersion: o.metadata.resourceVersion }, include, first);
    first = false;
    return t;
  };
}

async function handleSubresource(
  req: IncomingMessage,
  res: ServerResponse,
  info: RequestInfo,
  served: ServedResource,
  store: ResourceStore,
  namespace: string | undefined,
  opts: { user: UserInfo; dryRun: boolean; fieldManager?: string; userAgent?: string },
  query: URLSearchParams,
  ctx: HandlerContext,
): Promise<void> {
  const sub = info.subresource!;
  const name = info.name!;
  if (!hasSubresource(served, sub) || info.rest.length) {
    throw notFound({ group: served.group, resource: `${served.plural}/${sub}` }, name, "the server could not find the requested resource");
  }
  const gr = { group: served.group, resource: `${served.plural}/${sub}` };
  // kubectl get --subresource=status|scale asks for a Table too.
  const table = wantsTable(req.headers.accept);
  const include = (query.get("includeObject") ?? "Metadata") as IncludeObject;
  if (sub === "status") {
    if (info.verb === "get") {
      const obj = await store.get(namespace, name);
      return sendJson(res, 200, table ? toTable(served, [obj], { resourceVersion: obj.metadata.resourceVersion }, include) : obj);
    }
    // Status bodies are read as the main resource's are: types checked, what Go drops dropped.
    const warnings: string[] = [];
    if (info.verb === "update") {
      const body = await objectBody(req, ctx);
      if (body.metadata?.name && body.metadata.name !== name) throw badRequest(`the name of the object (${body.metadata.name}) does not match the name on the URL (${name})`);
      checkBody(served, body, query, warnings);
      const { obj } = await store.guaranteedUpdate(namespace, name, { ...opts, subresource: "status" }, () => body);
      return sendJson(res, 200, obj, warnings);
    }
    if (info.verb === "patch") {
      const type = mediaType(req);
      checkPatchOptions(type, query);
      const patch = await decodeBody(await readBody(req, ctx.maxBodyBytes), type);
      if (type === APPLY_PATCH) {
        checkBody(served, patch as KubeObj, query, warnings);
        const { obj } = await serverSideApply(store, served, namespace, name, patch, { ...opts, subresource: "status" }, query.get("force") === "true");
        return sendJson(res, 200, obj, warnings);
      }
      const { obj } = await store.guaranteedUpdate(namespace, name, { ...opts, subresource: "status" }, (current) => {
        const next = applyPatch(type, current, patch, served);
        warnings.length = 0;
        checkBody(served, next, query, warnings);
        return next;
      });
      return sendJson(res, 200, obj, warnings);
    }
    throw methodNotSupported(gr, info.verb);
  }
  if (sub === "scale") {
    if (info.verb === "get") {
      const scale = scaleOf(served, await store.get(namespace, name));
      return sendJson(res, 200, table ? scaleTable(scale, include) : scale);
    }
    if (info.verb === "update" || info.verb === "patch") {
      const type = mediaType(req);
      const body = await decodeBody(await readBody(req, ctx.maxBodyBytes), type) as KubeObj;
      const { obj } = await store.guaranteedUpdate(namespace, name, { ...opts, subresource: "scale" }, (current) => {
        const scale = info.verb === "update" ? body : applyPatch(type, scaleOf(served, current), body, undefined);
        if (scale.metadata?.resourceVersion && scale.metadata.resourceVersion !== current.metadata.resourceVersion) {
          return { ...current, metadata: { ...current.metadata, resourceVersion: scale.metadata.resourceVersion } };
        }
        return withScale(served, current, scale);
      });
      return sendJson(res, 200, scaleOf(served, obj));
    }
    throw methodNotSupported(gr, info.verb);
  }
  const handler = ctx.subresources.get(`${served.group}/${served.plural}/${sub}`);
  if (!handler) throw methodNotSupported(gr, info.verb);
  await handler({ req, res, info, served, store, namespace, name, opts, query, body: () => objectBody(req, ctx), decoded: async () => decodeBody(await readBody(req, ctx.maxBodyBytes), mediaType(req)) });
}

async function objectBody(req: IncomingMessage, ctx: HandlerContext): Promise<KubeObj> {
  const body = await decodeBody(await readBody(req, ctx.maxBodyBytes), mediaType(req));
  if (typeof body !== "object" || body === null || Array.isArray(body)) throw badRequest("the request body must be a JSON or YAML object");
  return body as KubeObj;
}

async function deleteOptions(req: IncomingMessage, query: URLSearchParams, ctx: HandlerContext, base: { user: UserInfo; dryRun: boolean }): Promise<DeleteOptions> {
  const buf = await readBody(req, ctx.maxBodyBytes);
  const body = buf.length ? ((await decodeBody(buf, mediaType(req))) as Record<string, any>) : {};
  if (typeof body !== "object" || body === null || Array.isArray(body)) throw badRequest("DeleteOptions must be an object");
  const grace = body.gracePeriodSeconds ?? (query.get("gracePeriodSeconds") !== null ? Number(query.get("gracePeriodSeconds")) : undefined);
  const policy = body.propagationPolicy ?? query.get("propagationPolicy") ?? undefined;
  if (body.orphanDependents === true && !policy) body.propagationPolicy = "Orphan";
  if (policy && !["Background", "Foreground", "Orphan"].includes(policy)) {
    throw badRequest(`propagationPolicy: Unsupported value: "${policy}": supported values: "Foreground", "Background", "Orphan"`);
  }
  const dryRun = base.dryRun || (Array.isArray(body.dryRun) && body.dryRun.includes("All"));
  return {
    ...base,
    dryRun,
    ...(grace !== undefined && !Number.isNaN(grace) ? { gracePeriodSeconds: grace } : {}),
    ...(policy || body.propagationPolicy ? { propagationPolicy: policy ?? body.propagationPolicy } : {}),
    ...(body.preconditions ? { preconditions: body.preconditions } : {}),
  };
}

function listQuery(q: URLSearchParams) {
  const limit = q.get("limit");
  return {
    ...(q.get("labelSelector") ? { labelSelector: q.get("labelSelector")! } : {}),
    ...(q.get("fieldSelector") ? { fieldSelector: q.get("fieldSelector")! } : {}),
    ...(limit ? { limit: Number(limit) } : {}),
    ...(q.get("continue") ? { continue: q.get("continue")! } : {}),
    ...(q.get("resourceVersion") !== null ? { resourceVersion: q.get("resourceVersion")! } : {}),
    ...(q.get("resourceVersionMatch") ? { resourceVersionMatch: q.get("resourceVersionMatch")! } : {}),
  };
}


