import type { Authorizer, Decision, RequestAttributes } from "../../../../core/apiserver/chains.js";
import { HttpsTransport, type ClientConfig } from "../../../../core/client/index.js";

const MAX_CACHE = 10_000;

/** The authorization.k8s.io/v1 SubjectAccessReview spec of a request. */
export function reviewSpec(a: RequestAttributes): Record<string, unknown> {
  return {
    user: a.user.name,
    ...(a.user.uid ? { uid: a.user.uid } : {}),
    groups: a.user.groups,
    ...(a.user.extra && Object.keys(a.user.extra).length ? { extra: a.user.extra } : {}),
    ...(a.resourceRequest
      ? {
          resourceAttributes: {
            ...(a.namespace ? { namespace: a.namespace } : {}),
            verb: a.verb,
            group: a.apiGroup ?? "",
            ...(a.apiVersion ? { version: a.apiVersion } : {}),
            resource: a.resource ?? "",
            ...(a.subresource ? { subresource: a.subresource } : {}),
            ...(a.name ? { name: a.name } : {}),
          },
        }
      : { nonResourceAttributes: { path: a.path, verb: a.verb } }),
  };
}

/**
 * Upstream's Webhook authorizer: each request's attributes go to a remote service as an
 * authorization.k8s.io/v1 SubjectAccessReview; `allowed` allows, `denied` denies, neither is no
 * opinion. Answers are cached (allows longer than the rest); a failing webhook throws, which the
 * chain records as an evaluation error before asking the next authorizer.
 */
export class WebhookAuthorizer implements Authorizer {
  private readonly transport: HttpsTransport;
  private readonly path: string;
  private readonly cache = new Map<string, { decision: Decision; until: number }>();

  constructor(target: ClientConfig, private readonly o: { allowedTTLMs: number; deniedTTLMs: number; timeoutMs: number }) {
    this.transport = new HttpsTransport({ ...target, timeoutMs: o.timeoutMs });
    this.path = new URL(target.server).pathname || "/";
  }

  async authorize(attrs: RequestAttributes): Promise<Decision> {
    const spec = reviewSpec(attrs);
    const key = JSON.stringify(spec);
    const hit = this.cache.get(key);
    if (hit && hit.until > Date.now()) return hit.decision;
    const body = JSON.stringify({ apiVersion: "authorization.k8s.io/v1", kind: "SubjectAccessReview", metadata: { creationTimestamp: null }, spec, status: { allowed: false } });
    const res = await this.transport.request({ method: "POST", path: this.path, headers: { "Content-Type": "application/json", Accept: "application/json" }, body });
    if (res.status < 200 || res.status >= 300) throw new Error(`webhook answered HTTP ${res.status}`);
    let reply: any;
    try {
      reply = JSON.parse(res.body.toString("utf8"));
    } catch {
      throw new Error("webhook answered something that is not JSON");
    }
    if (reply?.kind !== "SubjectAccessReview" || typeof reply.status !== "object" || reply.status === null) throw new Error("webhook answered something that is not a SubjectAccessReview");
    const s = reply.status;
    const reason = typeof s.reason === "string" && s.reason ? { reason: s.reason } : {};
    const decision: Decision = s.allowed === true ? { decision: "allow", ...reason } : s.denied === true ? { decision: "deny", ...reason } : { decision: "no-opinion", ...reason };
    const ttl = decision.decision === "allow" ? this.o.allowedTTLMs : this.o.deniedTTLMs;
    if (ttl > 0) {
      if (this.cache.size >= MAX_CACHE) this.cache.clear();
      this.cache.set(key, { decision, until: Date.now() + ttl });
    }
    return decision;
  }
}
