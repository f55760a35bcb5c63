import { reportError } from "../errors.js";
import { Exit } from "../exit-codes.js";
import { loadProfile } from "../load-profile.js";
import { builtinRegistry } from "../registry.js";

export default async function pluginsList(opts: { point?: string; profile?: string }): Promise<number> {
  try {
    // With --profile, the profile's packages are loaded too.
    const registry = opts.profile ? (await loadProfile({ profile: opts.profile }, "silent")).registry : builtinRegistry();
    let plugins = registry.allPlugins();
    if (opts.point) {
      const point = registry.point(opts.point);
      if (!point) {
        const { didYouMean } = await import("../../core/kernel/suggest.js");
        const hint = didYouMean(opts.point, registry.allPoints().map((p) => p.id));
        process.stderr.write(`error: unknown extension point "${opts.point}"${hint ? ` (${hint})` : ""}\n`);
        return Exit.usage;
      }
      plugins = registry.pluginsFor(point);
    }
    const rows = plugins.map((m) => [m.name, m.serves.map((p) => p.id).join(","), m.source ?? "builtin"]);
    const widths = [4, 6, 6].map((w, i) => Math.max(w, ...rows.map((r) => r[i]!.length)));
    const line = (r: string[]) => r.map((c, i) => c.padEnd(widths[i]!)).join("  ").trimEnd() + "\n";
    process.stdout.write(line(["NAME", "POINTS", "SOURCE"]) + rows.map(line).join(""));
    return Exit.ok;
  } catch (err) {
    return reportError(err);
  }
}
