import type { PluginEntry } from "../../kernel/extension-point.js";
import type { Authorizer, RequestAttributes, RuleSet, UserInfo } from "../chains.js";
import { forbidden, internalError } from "../../api/status.js";

/** Members of this group pass every check, as upstream's privileged-group authorizer lets them. */
const MASTERS = "system:masters";

/** Upstream's SubjectAccessReviewStatus fields, as the chain decided them. */
export interface AuthorizationOutcome {
  allowed: boolean;
  denied: boolean;
  reason: string;
  /** Errors of authorizers that failed; the chain went on past them, as upstream's union does. */
  evaluationError: string;
}

/** The first Allow or Deny wins; all NoOpinion is neither allowed nor denied. */
export async function decide(chain: readonly PluginEntry<Authorizer>[], attrs: RequestAttributes): Promise<AuthorizationOutcome> {
  const errors: string[] = [];
  const outcome = (allowed: boolean, denied: boolean, reason = "") => ({ allowed, denied, reason, evaluationError: errors.join(", ") });
  if (attrs.user.groups.includes(MASTERS)) return outcome(true, false);
  for (const { instance, name } of chain) {
    let d;
    try {
      d = await instance.authorize(attrs);
    } catch (err) {
      errors.push(`${name}: ${(err as Error).message}`);
      continue;
    }
    if (d.decision === "allow") return outcome(true, false, d.reason);
    if (d.decision === "deny") return outcome(false, true, d.reason);
  }
  return outcome(false, false);
}

/** A request goes on only when allowed; an authorizer failure with no decision is a 500, as upstream answers. */
export async function authorize(chain: readonly PluginEntry<Authorizer>[], attrs: RequestAttributes): Promise<void> {
  const d = await decide(chain, attrs);
  if (d.allowed) return;
  if (!d.denied && d.evaluationError) throw internalError(d.evaluationError);
  throw forbidden(attrs, d.reason);
}

const EVERYTHING: RuleSet = {
  resourceRules: [{ verbs: ["*"], apiGroups: ["*"], resources: ["*"] }],
  nonResourceRules: [{ verbs: ["*"], nonResourceURLs: ["*"] }],
  incomplete: false,
};

/**
 * Upstream's union rule resolver: every authorizer's rules together. An authorizer that
 * cannot enumerate (no `rulesFor`) or fails makes the answer incomplete.
 */
export async function rulesFor(chain: readonly PluginEntry<Authorizer>[], user: UserInfo, namespace: string): Promise<RuleSet & { evaluationError: string }> {
  const out: RuleSet = { resourceRules: [], nonResourceRules: [], incomplete: false };
  const errors: string[] = [];
  const sets = user.groups.includes(MASTERS) ? [EVERYTHING] : [];
  for (const { instance, name } of chain) {
    if (!instance.rulesFor) {
      out.incomplete = true;
      continue;
    }
    try {
      sets.push(await instance.rulesFor(user, namespace));
    } catch (err) {
      errors.push(`${name}: ${(err as Error).message}`);
      out.incomplete = true;
    }
  }
  for (const s of sets) {
    out.resourceRules.push(...s.resourceRules);
    out.nonResourceRules.push(...s.nonResourceRules);
    out.incomplete ||= s.incomplete;
  }
  // The privileged group and AlwaysAllow both grant everything; say it once.
  out.resourceRules = unique(out.resourceRules);
  out.nonResourceRules = unique(out.nonResourceRules);
  return { ...out, evaluationError: errors.join(", ") };
}

function unique<T>(rules: T[]): T[] {
  const seen = new Set<string>();
  return rules.filter((r) => {
    const key = JSON.stringify(r);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
