import type { IpFamily, ProxyHandle, ProxyMode, ProxyModel, SyncResult } from "../../../../core/proxy/index.js";
import { familyOf } from "../../../../core/proxy/index.js";
import { JUMPS, renderIptables } from "./rules.js";

const tools = (family: IpFamily) => (family === 4 ? { save: "iptables-save", restore: "iptables-restore", cmd: "iptables" } : { save: "ip6tables-save", restore: "ip6tables-restore", cmd: "ip6tables" });
const PER_SERVICE = /^:(KUBE-(?:SVC|SVL|EXT|SEP|FW)-[A-Z0-9]+) /gm;

/**
 * Upstream's iptables proxier: every sync writes the whole ruleset for each family in one
 * `iptables-restore --noflush`, which replaces the proxy's chains atomically and leaves
 * everyone else's rules alone.
 */
export class IptablesMode implements ProxyMode {
  private readonly chains = new Map<IpFamily, Set<string>>();

  constructor(private readonly handle: ProxyHandle) {}

  async sync(model: ProxyModel): Promise<SyncResult> {
    let rules = 0;
    const families = new Set<IpFamily>([4, ...model.services.flatMap((s) => s.clusterIPs.map(familyOf))]);
    for (const family of families) {
      const t = tools(family);
      let known = this.chains.get(family);
      if (!known) {
        await this.ensureJumps(family);
        known = new Set([...(await this.handle.exec(t.save, ["-t", "nat"])).stdout.matchAll(PER_SERVICE)].map((m) => m[1]!));
      }
      const r = renderIptables(model, family, [...known]);
      await this.handle.exec(t.restore, ["--noflush"], r.text);
      this.chains.set(family, r.chains);
      rules += r.rules;
    }
    return { rules };
  }

  async cleanup(): Promise<void> {
    for (const family of [4, 6] as const) {
      const t = tools(family);
      for (const table of ["nat", "filter"]) {
        const saved = (await this.handle.exec(t.save, ["-t", table])).stdout;
        const ours = [...saved.matchAll(/^:(KUBE-[A-Z0-9-]+) /gm)].map((m) => m[1]!);
        if (!ours.length) continue;
        // Jumps from the built-in chains go first, then the chains themselves, in one transaction.
        const jumps = saved.split("\n").filter((l) => /^-A (?!KUBE-)\S+ .*-j KUBE-/.test(l)).map((l) => l.replace(/^-A/, "-D"));
        const text = [`*${table}`, ...ours.map((c) => `:${c} - [0:0]`), ...jumps, ...ours.map((c) => `-X ${c}`), "COMMIT", ""].join("\n");
        await this.handle.exec(t.restore, ["--noflush"], text);
      }
      this.chains.delete(family);
    }
  }

  private async ensureJumps(family: IpFamily): Promise<void> {
    const t = tools(family);
    for (const j of JUMPS) {
      await this.handle.exec(t.cmd, ["-w", "-t", j.table, "-N", j.rule.at(-1)!]).catch(() => {});
      const present = await this.handle.exec(t.cmd, ["-w", "-t", j.table, "-C", j.chain, ...j.rule]).then(() => true, () => false);
      if (!present) await this.handle.exec(t.cmd, ["-w", "-t", j.table, "-I", j.chain, ...j.rule]);
    }
  }
}
