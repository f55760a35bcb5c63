import { familyOf, type IpFamily, type ProxyHandle, type ProxyMode, type ProxyModel, type SyncResult } from "../../../../core/proxy/index.js";
import { declare, serviceRules, skeleton, TABLE, type ServiceRules } from "./ruleset.js";

const tableOf = (family: IpFamily) => `${family === 4 ? "ip" : "ip6"} ${TABLE}`;
const keyOf = (element: string) => element.slice(0, element.indexOf(" :"));

/**
 * Upstream's nftables proxier: one `kube-proxy` table per family, services dispatched through the
 * `service-ips` and `service-nodeports` verdict maps. A full sync replaces the table in one
 * `nft -f` transaction; a partial one rewrites only the changed service ports' chains and map
 * elements, also in one transaction.
 */
export class NftablesMode implements ProxyMode {
  private readonly programmed = new Map<IpFamily, Map<string, ServiceRules>>();

  constructor(private readonly handle: ProxyHandle) {}

  async sync(model: ProxyModel, changed?: ReadonlySet<string>): Promise<SyncResult> {
    const families = new Set<IpFamily>([4, ...model.services.flatMap((s) => s.clusterIPs.map(familyOf))]);
    const lines: string[] = [];
    let rules = 0;
    for (const family of families) {
      const state = this.programmed.get(family);
      rules += changed && state ? this.partial(model, family, changed, state, lines) : this.full(model, family, lines);
    }
    await this.apply(lines);
    return { rules };
  }

  /** The statements of a full sync, for tests and benchmarks that read what would be applied. */
  render(model: ProxyModel, family: IpFamily): string {
    const lines: string[] = [];
    this.full(model, family, lines);
    return lines.join("\n");
  }

  async cleanup(): Promise<void> {
    await this.handle.exec("nft", ["-f", "-"], ["ip", "ip6"].flatMap((f) => [`add table ${f} ${TABLE}`, `delete table ${f} ${TABLE}`]).join("\n") + "\n");
    this.programmed.clear();
  }

  private async apply(lines: string[]): Promise<void> {
    if (lines.length) await this.handle.exec("nft", ["-f", "-"], lines.join("\n") + "\n");
  }

  private full(model: ProxyModel, family: IpFamily, lines: string[]): number {
    const t = tableOf(family);
    const state = new Map<string, ServiceRules>();
    lines.push(`add table ${t}`, `delete table ${t}`, ...skeleton(family, model));
    let n = lines.length;
    const ipElements: string[] = [];
    const nodePortElements: string[] = [];
    for (const sp of model.services) {
      const r = serviceRules(sp, family, model.clusterCIDR);
      state.set(sp.key, r);
      n += declare(t, r, lines);
      ipElements.push(...r.ipElements);
      nodePortElements.push(...r.nodePortElements);
    }
    if (ipElements.length) lines.push(`add element ${t} service-ips { ${ipElements.join(", ")} }`);
    if (nodePortElements.length) lines.push(`add element ${t} service-nodeports { ${nodePortElements.join(", ")} }`);
    this.programmed.set(family, state);
    return n + ipElements.length + nodePortElements.length;
  }

  private partial(model: ProxyModel, family: IpFamily, changed: ReadonlySet<string>, state: Map<string, ServiceRules>, lines: string[]): number {
    const t = tableOf(family);
    const byKey = new Map(model.services.filter((s) => changed.has(s.key)).map((s) => [s.key, s]));
    let n = 0;
    const tail: string[] = [];
    for (const key of changed) {
      const old = state.get(key);
      const sp = byKey.get(key);
      const next = sp ? serviceRules(sp, family, model.clusterCIDR) : undefined;
      if (old) {
        if (old.ipElements.length) lines.push(`delete element ${t} service-ips { ${old.ipElements.map(keyOf).join(", ")} }`);
        if (old.nodePortElements.length) lines.push(`delete element ${t} service-nodeports { ${old.nodePortElements.map(keyOf).join(", ")} }`);
        for (const chain of old.chains.keys()) lines.push(`flush chain ${t} ${chain}`);
        // Deleted after every flush, so no rule still names them.
        for (const chain of old.chains.keys()) if (!next?.chains.has(chain)) tail.push(`delete chain ${t} ${chain}`);
        for (const set of old.sets.keys()) if (!next?.sets.has(set)) tail.push(`delete set ${t} ${set}`);
      }
      if (next) {
        state.set(key, next);
        const body: string[] = [];
        n += declare(t, next, body);
        if (next.ipElements.length) body.push(`add element ${t} service-ips { ${next.ipElements.join(", ")} }`);
        if (next.nodePortElements.length) body.push(`add element ${t} service-nodeports { ${next.nodePortElements.join(", ")} }`);
        tail.push(...body);
        n += next.ipElements.length + next.nodePortElements.length;
      } else state.delete(key);
    }
    lines.push(...tail);
    return n;
  }
}
