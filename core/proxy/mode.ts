import type { ProxyModel } from "./model.js";

export interface SyncResult {
  /** Rules (iptables lines, nft statements, IPVS entries) the sync wrote. */
  rules: number;
}

/**
 * A proxy mode: programs the whole model on a full sync and may, given the keys of the
 * service ports that changed, rewrite only those. `cleanup` removes everything the mode owns,
 * so switching modes leaves no rules of the old one.
 */
export interface ProxyMode {
  sync(model: ProxyModel, changed?: ReadonlySet<string>): Promise<SyncResult>;
  cleanup(): Promise<void>;
}
