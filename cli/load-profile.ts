import { createRootLogger, type Logger } from "../core/kernel/logging.js";
import { resolveProfile, type ResolvedProfile } from "../core/profile/resolve.js";
import type { Registry } from "../core/kernel/registry.js";
import { builtinRegistry } from "./registry.js";

export interface ProfileOptions {
  profile?: string;
  set?: string[];
  dataDir?: string;
}

export interface Loaded {
  registry: Registry;
  resolved: ResolvedProfile;
  logger: Logger;
}

/** Registry of built-ins, then the profile resolved against it (which loads its packages). */
export async function loadProfile(opts: ProfileOptions, logLevel: "silent" | "info" | "warn" = "warn"): Promise<Loaded> {
  const logger = createRootLogger({ level: logLevel });
  const registry = builtinRegistry(logger);
  const resolved = await resolveProfile(registry, {
    ...(opts.profile ? { profile: opts.profile } : {}),
    set: opts.set ?? [],
    ...(opts.dataDir ? { dataDir: opts.dataDir } : {}),
  });
  return { registry, resolved, logger };
}
