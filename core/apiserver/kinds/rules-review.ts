import { badRequest } from "../../api/status.js";
import { rulesFor } from "../filters/authorize.js";
import type { ReviewRequest } from "../registry/reviews.js";
import { answer, type ReviewChains } from "./reviews.js";

/**
 * SelfSubjectRulesReview: what the caller may do in a namespace, as far as the
 * authorizers can enumerate it (`kubectl auth can-i --list`). Authorizers that cannot
 * list their rules make the answer `incomplete`.
 */
export function selfSubjectRulesReview(chains: ReviewChains) {
  return async (r: ReviewRequest) => {
    const namespace = r.body.spec?.namespace;
    if (!namespace) throw badRequest("no namespace on request");
    const rules = await rulesFor(chains.authorizers(), r.user, namespace);
    return answer(r, {
      resourceRules: rules.resourceRules,
      nonResourceRules: rules.nonResourceRules,
      incomplete: rules.incomplete,
      ...(rules.evaluationError ? { evaluationError: rules.evaluationError } : {}),
    });
  };
}
