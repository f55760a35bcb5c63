import type { UserInfo } from "../chains.js";
import { badRequest } from "../../api/status.js";
import { runAuthenticators } from "../filters/authenticate.js";
import type { ReviewRequest } from "../registry/reviews.js";
import { apiVersionOf } from "../registry/served-resource.js";
import { answer, type ReviewChains } from "./reviews.js";

/** authentication.k8s.io's UserInfo: `username`, where the chains say `name`. */
export function userInfo(user: UserInfo): Record<string, unknown> {
  return {
    username: user.name,
    ...(user.uid ? { uid: user.uid } : {}),
    groups: user.groups,
    ...(user.extra && Object.keys(user.extra).length ? { extra: user.extra } : {}),
  };
}

/** SelfSubjectReview: who the server thinks the caller is (`kubectl auth whoami`). */
export async function selfSubjectReview(r: ReviewRequest) {
  return answer(r, { userInfo: userInfo(r.user) });
}

/**
 * TokenReview: the authentication chain run on a bearer token alone. Anonymous is
 * what the chain answers for no credential, so it never counts as authenticated.
 */
export function tokenReview(chains: ReviewChains) {
  return async (r: ReviewRequest) => {
    const token = r.body.spec?.token;
    if (typeof token !== "string" || !token) throw badRequest("token is required for TokenReview in authentication");
    const wanted: string[] | undefined = r.body.spec?.audiences;
    const result = await runAuthenticators(chains.authenticators(), { headers: { authorization: `Bearer ${token}` }, path: `/apis/${apiVersionOf(r.served)}/${r.served.plural}` });
    if (!("user" in result)) return answer(r, { authenticated: false, user: {}, ...(result.errors.length ? { error: result.errors.join(", ") } : {}) });
    if (result.user.name === "system:anonymous") return answer(r, { authenticated: false, user: {} });
    // A token bound to audiences must share one with those asked for.
    const audiences = wanted?.length && result.audiences ? wanted.filter((a) => result.audiences!.includes(a)) : (result.audiences ?? wanted);
    if (wanted?.length && result.audiences && !audiences?.length) {
      return answer(r, { authenticated: false, user: {}, error: "token audiences do not include any of the requested audiences" });
    }
    return answer(r, { authenticated: true, user: userInfo(result.user), ...(audiences?.length ? { audiences } : {}) });
  };
}
