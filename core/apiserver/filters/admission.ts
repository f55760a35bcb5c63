import type { PluginEntry } from "../../kernel/extension-point.js";
import type { AdmissionPlugin, AdmissionRequest } from "../chains.js";

/** Every mutating pass in profile order, then every validating pass; the first rejection stops it. */
export async function runAdmission(chain: readonly PluginEntry<AdmissionPlugin>[], req: AdmissionRequest, phase: "mutate" | "validate"): Promise<void> {
  for (const { instance } of chain) {
    if (phase === "mutate") await instance.admit?.(req);
    else await instance.validate?.(req);
  }
}
