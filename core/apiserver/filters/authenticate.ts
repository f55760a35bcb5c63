import type { PluginEntry } from "../../kernel/extension-point.js";
import type { AuthRequest, Authenticator, UserInfo } from "../chains.js";
import { unauthorized } from "../../api/status.js";

export type Authentication = { user: UserInfo; audiences?: string[] } | { errors: string[] };

/**
 * Upstream's union authenticator: each plugin in order says "mine" (a user), "not
 * mine" (undefined) or "mine but wrong" (an error); the first user wins. A presented
 * credential that fails is never downgraded to anonymous: if any plugin erred, the
 * answer is the errors even when a later plugin (anonymous) would accept it.
 */
export async function runAuthenticators(chain: readonly PluginEntry<Authenticator>[], req: AuthRequest): Promise<Authentication> {
  const errors: string[] = [];
  for (const { instance, name } of chain) {
    const result = await instance.authenticate(req);
    if (!result) continue;
    if ("error" in result) {
      errors.push(`${name}: ${result.error}`);
      continue;
    }
    if (errors.length) break;
    const user = result.user;
    const anonymous = user.name === "system:anonymous";
    if (!anonymous && !user.groups.includes("system:authenticated")) user.groups = [...user.groups, "system:authenticated"];
    return { user, ...(result.audiences ? { audiences: result.audiences } : {}) };
  }
  return { errors };
}

/** The request's user, or 401. */
export async function authenticate(chain: readonly PluginEntry<Authenticator>[], req: AuthRequest): Promise<UserInfo> {
  const result = await runAuthenticators(chain, req);
  if ("user" in result) return result.user;
  throw unauthorized();
}
