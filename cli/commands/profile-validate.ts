import { reportError } from "../errors.js";
import { Exit } from "../exit-codes.js";
import { loadProfile, type ProfileOptions } from "../load-profile.js";

export default async function profileValidate(opts: ProfileOptions): Promise<number> {
  try {
    const { resolved } = await loadProfile(opts, "silent");
    const enabled = Object.values(resolved.plan.components).filter((c) => c.enabled).map((c) => c.name);
    process.stdout.write(`${resolved.main.file}: valid (profile ${resolved.plan.profile}; components: ${enabled.join(", ") || "none"})\n`);
    return Exit.ok;
  } catch (err) {
    return reportError(err);
  }
}
