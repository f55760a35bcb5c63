import type { IncomingHttpHeaders } from "node:http";
import type { PluginEntry } from "../../kernel/extension-point.js";
import type { Authorizer, RequestAttributes, UserInfo } from "../chains.js";
import { forbidden, internalError } from "../../api/status.js";
import { decide } from "./authorize.js";

const EXTRA = "impersonate-extra-";
const SERVICE_ACCOUNT = /^system:serviceaccount:([^:]+):([^:]+)$/;

/** One thing the requester asks to act as; each is authorized on its own, as upstream does. */
type Wanted = Omit<RequestAttributes, "user" | "verb" | "resourceRequest" | "path">;

/**
 * Upstream's impersonation filter: `Impersonate-User`, `-Group`, `-Uid` and `-Extra-*`
 * headers turn the request into one made by that user, once the authorizers allow the
 * real requester the `impersonate` verb on each part. Headers arrive as lists
 * (`headersDistinct`), since a group may be named several times.
 */
export async function impersonate(chain: readonly PluginEntry<Authorizer>[], requester: UserInfo, headers: NodeJS.Dict<string[]>): Promise<UserInfo> {
  const name = headers["impersonate-user"]?.[0] ?? "";
  const groupsAsked = headers["impersonate-group"] ?? [];
  const uid = headers["impersonate-uid"]?.[0];
  const extraHeaders = Object.keys(headers).filter((h) => h.startsWith(EXTRA));
  if (!name) {
    if (groupsAsked.length || uid || extraHeaders.length) throw internalError("requested impersonation of groups, a uid or extra values without impersonating a user");
    return requester;
  }

  const wanted: Wanted[] = [];
  let groups: string[] = [];
  const sa = SERVICE_ACCOUNT.exec(name);
  if (sa) {
    wanted.push({ apiGroup: "", resource: "serviceaccounts", namespace: sa[1]!, name: sa[2]! });
    // A service account's groups follow from its name, unless groups are given.
    if (!groupsAsked.length) groups = ["system:serviceaccounts", `system:serviceaccounts:${sa[1]}`];
  } else {
    wanted.push({ apiGroup: "", resource: "users", name });
  }
  for (const g of groupsAsked) {
    wanted.push({ apiGroup: "", resource: "groups", name: g });
    groups.push(g);
  }
  if (uid) wanted.push({ apiGroup: "authentication.k8s.io", resource: "uids", name: uid });
  const extra: Record<string, string[]> = {};
  for (const h of extraHeaders) {
    const key = decodeURIComponent(h.slice(EXTRA.length));
    for (const value of headers[h] ?? []) {
      wanted.push({ apiGroup: "authentication.k8s.io", resource: "userextras", subresource: key, name: value });
      (extra[key] ??= []).push(value);
    }
  }

  for (const w of wanted) {
    const attrs: RequestAttributes = { user: requester, verb: "impersonate", resourceRequest: true, path: "", ...w };
    const d = await decide(chain, attrs);
    if (!d.allowed) throw forbidden(attrs, d.reason);
  }
  // Given groups are the whole answer; otherwise a named user is an authenticated one.
  if (!groupsAsked.length && name !== "system:anonymous" && !groups.includes("system:authenticated") && !groups.includes("system:unauthenticated")) {
    groups.push("system:authenticated");
  }
  return { name, groups, ...(uid ? { uid } : {}), ...(Object.keys(extra).length ? { extra } : {}) };
}

/** Whether a request asks to act as someone else; cheap enough for every request. */
export function hasImpersonation(headers: IncomingHttpHeaders): boolean {
  return Object.keys(headers).some((h) => h.startsWith("impersonate-"));
}
