import type { PluginEntry } from "../../kernel/extension-point.js";
import type { Authorizer, RequestAttributes } from "../chains.js";
import { forbidden } from "../../api/status.js";

/** Members of this group pass every check, as upstream's privileged-group authorizer lets them. */
const MASTERS = "system:masters";

/** The first Allow or Deny wins; all NoOpinion is a deny. */
export async function authorize(chain: readonly PluginEntry<Authorizer>[], attrs: RequestAttributes): Promise<void> {
  if (attrs.user.groups.includes(MASTERS)) return;
  let reason = "";
  for (const { instance } of chain) {
    const d = await instance.authorize(attrs);
    if (d.decision === "allow") return;
    if (d.decision === "deny") {
      reason = d.reason ?? "";
      break;
    }
  }
  throw forbidden(attrs, reason);
}
