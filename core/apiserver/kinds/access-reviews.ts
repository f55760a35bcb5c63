import type { RequestAttributes, UserInfo } from "../chains.js";
import { badRequest, fieldInvalid, type FieldCause } from "../../api/status.js";
import { decide } from "../filters/authorize.js";
import type { ReviewRequest } from "../registry/reviews.js";
import type { KubeObj } from "../registry/strategy.js";
import { answer, metadataCauses, rejectInvalid, type ReviewChains } from "./reviews.js";

type Spec = Record<string, any>;

/** Exactly one of resourceAttributes and nonResourceAttributes, as upstream validates. */
function attributeCauses(spec: Spec): FieldCause[] {
  if (spec.resourceAttributes && spec.nonResourceAttributes) {
    return [fieldInvalid("spec.nonResourceAttributes", spec.nonResourceAttributes, "cannot be specified in combination with resourceAttributes")];
  }
  if (!spec.resourceAttributes && !spec.nonResourceAttributes) {
    return [fieldInvalid("spec.resourceAttributes", null, "exactly one of nonResourceAttributes or resourceAttributes must be specified")];
  }
  return [];
}

/** The request a review describes, as the authorizers would see it arrive. */
function attributesOf(spec: Spec, user: UserInfo): RequestAttributes {
  const ra = spec.resourceAttributes;
  if (!ra) return { user, verb: spec.nonResourceAttributes.verb ?? "", resourceRequest: false, path: spec.nonResourceAttributes.path ?? "" };
  return {
    user,
    verb: ra.verb ?? "",
    resourceRequest: true,
    path: "",
    apiGroup: ra.group ?? "",
    // An empty version matches every version, as upstream fills it.
    apiVersion: ra.version || "*",
    ...(ra.namespace ? { namespace: ra.namespace } : {}),
    ...(ra.resource ? { resource: ra.resource } : {}),
    ...(ra.subresource ? { subresource: ra.subresource } : {}),
    ...(ra.name ? { name: ra.name } : {}),
  };
}

async function evaluate(chains: ReviewChains, r: ReviewRequest, user: UserInfo) {
  const d = await decide(chains.authorizers(), attributesOf(r.body.spec, user));
  return answer(r, {
    allowed: d.allowed,
    ...(d.denied ? { denied: true } : {}),
    ...(d.reason ? { reason: d.reason } : {}),
    ...(d.evaluationError ? { evaluationError: d.evaluationError } : {}),
  });
}

/** The subject named in the spec: user, groups, uid and extra, taken as given. */
function subjectOf(spec: Spec): UserInfo {
  return { name: spec.user ?? "", groups: spec.groups ?? [], ...(spec.uid ? { uid: spec.uid } : {}), ...(spec.extra ? { extra: spec.extra } : {}) };
}

function subjectCauses(spec: Spec): FieldCause[] {
  return !spec.user && !spec.groups?.length ? [fieldInvalid("spec.user", spec.user ?? "", "at least one of user or group must be specified")] : [];
}

/** SubjectAccessReview: may this user or these groups do this? */
export function subjectAccessReview(chains: ReviewChains) {
  return async (r: ReviewRequest) => {
    const spec = r.body.spec ?? {};
    rejectInvalid(r, [...attributeCauses(spec), ...subjectCauses(spec), ...metadataCauses(r.body.metadata)]);
    return evaluate(chains, r, subjectOf(spec));
  };
}

/** SelfSubjectAccessReview: may I do this? (`kubectl auth can-i`) */
export function selfSubjectAccessReview(chains: ReviewChains) {
  return async (r: ReviewRequest) => {
    const spec = r.body.spec ?? {};
    rejectInvalid(r, [...attributeCauses(spec), ...metadataCauses(r.body.metadata)]);
    return evaluate(chains, r, r.user);
  };
}

/** LocalSubjectAccessReview: a SubjectAccessReview confined to the namespace of its URL. */
export function localSubjectAccessReview(chains: ReviewChains) {
  return async (r: ReviewRequest) => {
    if (!r.namespace) throw badRequest("namespace is required on this type");
    const metadata = { ...(r.body.metadata ?? {}) };
    metadata.namespace ||= r.namespace;
    if (metadata.namespace !== r.namespace) throw badRequest("the namespace of the provided object does not match the namespace sent on the request");
    const body: KubeObj = { ...r.body, metadata };
    const spec = body.spec ?? {};
    const causes = [...attributeCauses(spec), ...subjectCauses(spec), ...metadataCauses(metadata, ["namespace"])];
    if (spec.resourceAttributes && (spec.resourceAttributes.namespace ?? "") !== r.namespace) {
      causes.push(fieldInvalid("spec.resourceAttributes.namespace", spec.resourceAttributes.namespace ?? "", "must match metadata.namespace"));
    }
    if (spec.nonResourceAttributes) causes.push(fieldInvalid("spec.nonResourceAttributes", spec.nonResourceAttributes, "disallowed on this kind of request"));
    const req = { ...r, body };
    rejectInvalid(req, causes);
    return evaluate(chains, req, subjectOf(spec));
  };
}
