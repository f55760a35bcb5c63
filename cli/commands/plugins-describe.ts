import { stringify } from "yaml";
import { validateAgainst } from "../../core/kernel/validate-args.js";
import { didYouMean } from "../../core/kernel/suggest.js";
import { reportError } from "../errors.js";
import { Exit } from "../exit-codes.js";
import { loadProfile } from "../load-profile.js";
import { builtinRegistry } from "../registry.js";

export default async function pluginsDescribe(opts: { name: string; profile?: string }): Promise<number> {
  try {
    const registry = opts.profile ? (await loadProfile({ profile: opts.profile }, "silent")).registry : builtinRegistry();
    const m = registry.plugin(opts.name);
    if (!m) {
      const hint = didYouMean(opts.name, registry.pluginNames());
      process.stderr.write(`error: unknown plugin "${opts.name}"${hint ? ` (${hint})` : ""}\n`);
      return Exit.usage;
    }
    const defaults: Record<string, unknown> = {};
    if (m.args) validateAgainst(m.args, defaults);
    const out = {
      name: m.name,
      source: m.source ?? "builtin",
      ...(m.replaces ? { replaces: m.replaces } : {}),
      ...(m.description ? { description: m.description } : {}),
      ...(m.upstream ? { upstream: m.upstream } : {}),
      points: m.serves.map((p) => ({ id: p.id, kind: p.kind })),
      args: m.args ? { defaults, schema: m.args } : "none",
    };
    process.stdout.write(stringify(out, { lineWidth: 0 }));
    return Exit.ok;
  } catch (err) {
    return reportError(err);
  }
}
