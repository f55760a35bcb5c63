import type { PluginEntry } from "../../kernel/extension-point.js";
import type { Authenticator, Authorizer } from "../chains.js";
import { badRequest, fieldInvalid, invalid, type FieldCause } from "../../api/status.js";
import { apiVersionOf } from "../registry/served-resource.js";
import type { ReviewHandlers, ReviewRequest } from "../registry/reviews.js";
import type { KubeObj } from "../registry/strategy.js";
import { selfSubjectReview, tokenReview } from "./authentication-reviews.js";
import { localSubjectAccessReview, selfSubjectAccessReview, subjectAccessReview } from "./access-reviews.js";
import { selfSubjectRulesReview } from "./rules-review.js";

/** The chains a review asks; read on every review so a profile's order is the one used. */
export interface ReviewChains {
  authenticators: () => readonly PluginEntry<Authenticator>[];
  authorizers: () => readonly PluginEntry<Authorizer>[];
}

export function reviewHandlers(chains: ReviewChains): ReviewHandlers {
  const handlers: [string, (r: ReviewRequest) => Promise<KubeObj>][] = [
    ["authentication.k8s.io/selfsubjectreviews", selfSubjectReview],
    ["authentication.k8s.io/tokenreviews", tokenReview(chains)],
    ["authorization.k8s.io/subjectaccessreviews", subjectAccessReview(chains)],
    ["authorization.k8s.io/selfsubjectaccessreviews", selfSubjectAccessReview(chains)],
    ["authorization.k8s.io/localsubjectaccessreviews", localSubjectAccessReview(chains)],
    ["authorization.k8s.io/selfsubjectrulesreviews", selfSubjectRulesReview(chains)],
  ];
  // A body of another kind is refused before anything in it is read.
  return new Map(
    handlers.map(([key, review]) => [
      key,
      async (r: ReviewRequest) => {
        checkTypeMeta(r);
        return review(r);
      },
    ]),
  );
}

/** The body as sent, with its type filled in and the server's status: what every review answers. */
export function answer(r: ReviewRequest, status: Record<string, unknown>): KubeObj {
  const metadata = Object.fromEntries(Object.entries(r.body.metadata ?? {}).filter(([, v]) => !isEmpty(v)));
  return { kind: r.served.kind, apiVersion: apiVersionOf(r.served), ...r.body, metadata, status };
}

function checkTypeMeta({ body, served }: ReviewRequest): void {
  if (body.kind !== undefined && body.kind !== served.kind) throw badRequest(`the kind in the data (${body.kind}) does not match the resource (${served.kind})`);
  if (body.apiVersion !== undefined && body.apiVersion !== apiVersionOf(served)) {
    throw badRequest(`the API version in the data (${body.apiVersion}) does not match the expected API version (${apiVersionOf(served)})`);
  }
}

/** Upstream's review validation: metadata carries nothing (save what `allowed` names), as a question has no identity. */
export function metadataCauses(metadata: Record<string, unknown> | undefined, allowed: string[] = []): FieldCause[] {
  const set = Object.entries(metadata ?? {}).filter(([k, v]) => !allowed.includes(k) && k !== "managedFields" && !isEmpty(v));
  if (!set.length) return [];
  return [fieldInvalid("metadata", Object.fromEntries(set), allowed.length ? `must be empty except for ${allowed.join(", ")}` : "must be empty")];
}

export function rejectInvalid(r: ReviewRequest, causes: FieldCause[]): void {
  if (causes.length) throw invalid({ group: r.served.group, kind: r.served.kind }, "", causes);
}

function isEmpty(v: unknown): boolean {
  // Protobuf bodies carry zero values (generation: 0); Go compares them as unset.
  if (v === null || v === undefined || v === "" || v === 0 || v === false) return true;
  if (Array.isArray(v)) return v.length === 0;
  if (typeof v === "object") return Object.keys(v).length === 0;
  return false;
}
