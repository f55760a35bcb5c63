import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { basename, join, relative, resolve } from "node:path";
import { packageRoot } from "../../core/kernel/package-root.js";
import { Exit } from "../exit-codes.js";

const NAME = /^(@[a-z0-9-~][a-z0-9-._~]*\/)?[a-z0-9-~][a-z0-9-._~]*$/;

/**
 * Copies cli/templates/plugin-package with the names filled in. The new package
 * depends on this Kitbash: by version when Kitbash came from the registry, else by
 * a file: path to this installation.
 */
export default async function pluginNew(opts: { name: string; dir?: string; point: string }): Promise<number> {
  if (!NAME.test(opts.name)) {
    process.stderr.write(`error: "${opts.name}" is not a valid npm package name\n`);
    return Exit.usage;
  }
  if (!/^[a-z][a-zA-Z0-9-]*\.[a-z][a-zA-Z0-9]*$/.test(opts.point)) {
    process.stderr.write(`error: --point "${opts.point}" must read <component>.<point>\n`);
    return Exit.usage;
  }
  const target = resolve(opts.dir ?? basename(opts.name));
  if (existsSync(target) && readdirSync(target).length) {
    process.stderr.write(`error: ${target} exists and is not empty\n`);
    return Exit.usage;
  }
  const root = packageRoot();
  const own = JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as { version: string; devDependencies: Record<string, string> };
  const fromRegistry = root.split(/[\\/]/).includes("node_modules");
  const pluginName = basename(opts.name)
    .split(/[-_.]/)
    .map((s) => s.charAt(0).toUpperCase() + s.slice(1))
    .join("");
  const vars: Record<string, string> = {
    PACKAGE_NAME: opts.name,
    PLUGIN_NAME: pluginName,
    POINT_ID: opts.point,
    POINT_COMPONENT: opts.point.split(".")[0]!,
    POINT_NAME: opts.point.split(".")[1]!,
    KITBASH_DEP: fromRegistry ? `^${own.version}` : `file:${root}`,
    TYPESCRIPT_VERSION: own.devDependencies.typescript ?? "^7.0.0",
    VITEST_VERSION: own.devDependencies.vitest ?? "^4.0.0",
    NODE_TYPES_VERSION: own.devDependencies["@types/node"] ?? "^20.0.0",
  };
  const templates = join(root, "cli", "templates", "plugin-package");
  const files = walk(templates);
  for (const src of files) {
    // npm drops .gitignore files from published packages, so the template keeps it without the dot.
    const rel = relative(templates, src).replace(/\.tmpl$/, "").replace(/^gitignore$/, ".gitignore");
    const dest = join(target, rel);
    mkdirSync(join(dest, ".."), { recursive: true });
    writeFileSync(dest, readFileSync(src, "utf8").replace(/\{\{(\w+)\}\}/g, (m, k: string) => vars[k] ?? m));
  }
  process.stdout.write(`created ${opts.name} in ${target}\nnext: cd ${relative(process.cwd(), target) || "."} && npm install && npm test\n`);
  return Exit.ok;
}

function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? walk(p) : [p];
  });
}
