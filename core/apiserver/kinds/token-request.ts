import { randomUUID } from "node:crypto";
import { badRequest, conflict, fieldInvalid, fieldNotSupported, fieldRequired, invalid, methodNotSupported, type FieldCause } from "../../api/status.js";
import { sendJson } from "../http/respond.js";
import type { SubresourceRequest } from "../registry/subresources.js";
import type { Stores } from "../registry/stores.js";
import { rfc3339 } from "../registry/store.js";
import type { BoundClaims, ServiceAccountIssuer } from "../service-account-issuer.js";

const MIN_SECONDS = 600;
const MAX_SECONDS = 2 ** 32;
const DEFAULT_SECONDS = 3600;
const BOUND_KINDS: Record<string, string> = { Pod: "pods", Secret: "secrets" };

/**
 * serviceaccounts/token (TokenRequest): a bound token for the service account, for the
 * audiences asked (the API server's by default), expiring after `expirationSeconds`
 * (10 minutes at least, an hour by default), optionally bound to a pod or secret of the
 * namespace, whose uid the token carries so it stops working when that object goes.
 */
export function tokenRequest(stores: Stores, issuer: ServiceAccountIssuer) {
  return async (r: SubresourceRequest): Promise<void> => {
    if (r.info.verb !== "create") throw methodNotSupported({ group: "", resource: "serviceaccounts/token" }, r.info.verb);
    if (!issuer.available) throw badRequest("this API server has no service-account signing key (it serves plain HTTP)");
    const body = await r.body();
    const spec = body.spec ?? {};
    const sa = await r.store.get(r.namespace, r.name);
    const causes: FieldCause[] = [];
    const seconds = spec.expirationSeconds ?? DEFAULT_SECONDS;
    if (!Number.isInteger(seconds)) causes.push(fieldInvalid("spec.expirationSeconds", seconds, "must be an integer"));
    else if (seconds < MIN_SECONDS) causes.push(fieldInvalid("spec.expirationSeconds", seconds, "may not specify a duration less than 10 minutes"));
    else if (seconds > MAX_SECONDS) causes.push(fieldInvalid("spec.expirationSeconds", seconds, "may not specify a duration larger than 2^32 seconds"));
    const audiences: string[] = spec.audiences?.length ? spec.audiences : [...issuer.apiAudiences];
    const ref = spec.boundObjectRef;
    if (ref) {
      if (!BOUND_KINDS[ref.kind]) causes.push(fieldNotSupported("spec.boundObjectRef.kind", ref.kind, Object.keys(BOUND_KINDS)));
      if (ref.apiVersion !== undefined && ref.apiVersion !== "v1") causes.push(fieldNotSupported("spec.boundObjectRef.apiVersion", ref.apiVersion, ["v1"]));
      if (!ref.name) causes.push(fieldRequired("spec.boundObjectRef.name"));
    }
    if (causes.length) throw invalid({ group: "authentication.k8s.io", kind: "TokenRequest" }, r.name, causes);

    const bound: BoundClaims = { namespace: r.namespace!, serviceaccount: { name: sa.metadata.name, uid: sa.metadata.uid } };
    if (ref) {
      const store = await stores.for("", "v1", BOUND_KINDS[ref.kind]!);
      const target = await store.get(r.namespace, ref.name);
      if (ref.uid && ref.uid !== target.metadata.uid) {
        throw conflict({ group: "", resource: BOUND_KINDS[ref.kind]! }, ref.name, `the UID in the bound object reference (${ref.uid}) does not match the UID in record. The object might have been deleted and then recreated`);
      }
      if (ref.kind === "Pod" && (target.spec?.serviceAccountName ?? "default") !== sa.metadata.name) {
        throw badRequest(`cannot bind token to Pod "${ref.name}": its service account "${target.spec?.serviceAccountName ?? "default"}" is not "${sa.metadata.name}"`);
      }
      const key = ref.kind === "Pod" ? "pod" : "secret";
      bound[key] = { name: target.metadata.name, uid: target.metadata.uid };
    }
    const now = Math.floor(Date.now() / 1000);
    const token = await issuer.sign({ subject: `system:serviceaccount:${r.namespace}:${r.name}`, audiences, issuedAt: now, expiresAt: now + seconds, bound, jti: randomUUID() });
    sendJson(r.res, 201, {
      kind: "TokenRequest",
      apiVersion: "authentication.k8s.io/v1",
      metadata: { name: r.name, namespace: r.namespace, creationTimestamp: rfc3339(new Date(now * 1000)) },
      spec: { audiences, expirationSeconds: seconds, boundObjectRef: ref ? { kind: ref.kind, apiVersion: "v1", name: ref.name, ...(ref.uid ? { uid: ref.uid } : {}) } : null },
      status: { token, expirationTimestamp: rfc3339(new Date((now + seconds) * 1000)) },
    });
  };
}
