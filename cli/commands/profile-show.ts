import { stringify } from "yaml";
import { planSummary, planToProfile } from "../../core/profile/render.js";
import { reportError } from "../errors.js";
import { Exit } from "../exit-codes.js";
import { loadProfile, type ProfileOptions } from "../load-profile.js";

export default async function profileShow(opts: ProfileOptions & { resolved?: boolean; output?: "yaml" | "json" }): Promise<number> {
  try {
    const { resolved, registry } = await loadProfile(opts, "silent");
    const doc = opts.resolved ? planToProfile(resolved.plan, resolved.doc, registry) : resolved.doc;
    if (opts.output === "json") {
      process.stdout.write(JSON.stringify(doc, null, 2) + "\n");
      return Exit.ok;
    }
    const header = [
      `# profile ${resolved.plan.profile}, merged from (lowest first):`,
      ...resolved.plan.files.map((f) => `#   ${f}`),
      ...(opts.resolved ? ["# extension points, plugins in order:", ...planSummary(resolved.plan).map((l) => `#   ${l}`)] : []),
    ];
    process.stdout.write(header.join("\n") + "\n" + stringify(doc, { lineWidth: 0 }));
    return Exit.ok;
  } catch (err) {
    return reportError(err);
  }
}
