import { existsSync, readdirSync, statSync } from "node:fs";
import { basename, dirname, extname, isAbsolute, join, resolve } from "node:path";
import { ErrorCodes, KitbashError } from "../kernel/errors.js";
import { packageRoot } from "../kernel/package-root.js";
import { didYouMean } from "../kernel/suggest.js";
import type { FieldPath } from "./types.js";

export const DEFAULT_PROFILE = "single-node";
/** Every profile stands on this one; it holds the built-in defaults of every point. */
export const BASE_PROFILE = "base";

/** Files cosmiconfig's conventions look for, in order, in each folder up from the working directory. */
export const SEARCH_PLACES = [
  "package.json",
  "kitbash.yaml",
  "kitbash.yml",
  ".kitbashrc",
  ".kitbashrc.yaml",
  ".kitbashrc.yml",
  ".kitbashrc.json",
];

export interface ProfileRef {
  file: string;
  /** Where the profile sits inside the file: `["kitbash"]` for package.json. */
  base: FieldPath;
}

export function builtinProfilesDir(): string {
  return join(packageRoot(), "profiles");
}

export function builtinProfileNames(): string[] {
  return readdirSync(builtinProfilesDir())
    .filter((f) => f.endsWith(".yaml"))
    .map((f) => basename(f, ".yaml"))
    .sort();
}

function looksLikePath(ref: string): boolean {
  return ref.includes("/") || ref.includes("\\") || [".yaml", ".yml", ".json"].includes(extname(ref)) || ref.startsWith(".");
}

/** `NAME` is a built-in profile; anything path-like is a file, relative to `from`. */
export function resolveProfileRef(ref: string, from: string): ProfileRef {
  if (!looksLikePath(ref)) {
    const file = join(builtinProfilesDir(), `${ref}.yaml`);
    if (existsSync(file)) return { file, base: [] };
    if (!existsSync(resolve(from, ref))) {
      throw new KitbashError(ErrorCodes.PROFILE_NOT_FOUND, `no built-in profile named "${ref}"`, {
        hint: didYouMean(ref, builtinProfileNames()) ?? `built-in profiles: ${builtinProfileNames().join(", ")}`,
      });
    }
  }
  const file = isAbsolute(ref) ? ref : resolve(from, ref);
  if (!existsSync(file) || !statSync(file).isFile()) {
    throw new KitbashError(ErrorCodes.PROFILE_NOT_FOUND, `profile file not found`, { location: { file } });
  }
  return { file, base: basename(file) === "package.json" ? ["kitbash"] : [] };
}

/**
 * Finds the profile for a run: `--profile` wins; otherwise the cosmiconfig-style
 * search from `cwd` upwards; otherwise the built-in default.
 */
export async function findProfile(explicit: string | undefined, cwd: string): Promise<ProfileRef> {
  if (explicit) return resolveProfileRef(explicit, cwd);
  const { cosmiconfig } = await import("cosmiconfig");
  const explorer = cosmiconfig("kitbash", { searchPlaces: SEARCH_PLACES, searchStrategy: "global" });
  const found = await explorer.search(cwd);
  if (found && !found.isEmpty) {
    return { file: found.filepath, base: basename(found.filepath) === "package.json" ? ["kitbash"] : [] };
  }
  return resolveProfileRef(DEFAULT_PROFILE, cwd);
}

/** `<profile>.d/*.yaml` beside the profile, in name order. */
export function dropInFiles(profileFile: string): string[] {
  const ext = extname(profileFile);
  const dir = join(dirname(profileFile), `${basename(profileFile, ext)}.d`);
  if (!existsSync(dir) || !statSync(dir).isDirectory()) return [];
  return readdirSync(dir)
    .filter((f) => f.endsWith(".yaml") || f.endsWith(".yml"))
    .sort()
    .map((f) => join(dir, f));
}
