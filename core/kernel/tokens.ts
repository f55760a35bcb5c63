import type { Logger } from "./logging.js";
import type { MetricsScope } from "./metrics.js";

/** A typed injection token; `T` is phantom and only guides the compiler. */
export type Token<T> = symbol & { readonly __type?: T };

/**
 * Tokens are global symbols so that two copies of core (a plugin package that
 * bundles its own) still agree on identity.
 */
export function token<T>(id: string): Token<T> {
  return Symbol.for(`kitbash:${id}`) as Token<T>;
}

/** Services the kernel itself registers in the root container. */
export const kernelServices = {
  rootLogger: token<Logger>("kernel.rootLogger"),
  metrics: token<MetricsScope>("kernel.metrics"),
  plan: token<unknown>("kernel.plan"),
  dataDir: token<string>("kernel.dataDir"),
} as const;
