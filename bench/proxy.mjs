// The proxy's modes on synthetic service models: full sync time and rule count for 1,000 and
// 10,000 services × 5 endpoints, and the time to apply one endpoint change afterwards. iptables and
// nftables apply their rules inside a throwaway network namespace (needs root, iptables and nft);
// ipvs renders only, as this kernel has no ip_vs. Needs `npm run build` first (it imports dist/).
// Targets (issue): nftables full sync of 10,000 services <= 2 s, one endpoint change <= 50 ms.
import { execFileSync } from "node:child_process";
import { join } from "node:path";
import { pathToFileURL } from "node:url";

export const name = "proxy";

const ip = (base, n) => `${base[0]}.${base[1] + (n >> 16)}.${(n >> 8) & 255}.${n & 255}`;

function model(services, perService) {
  const list = [];
  for (let i = 0; i < services; i++) {
    const name = `svc-${String(i).padStart(5, "0")}`;
    list.push({
      key: `bench/${name}:http`,
      namespace: "bench",
      name,
      portName: "http",
      protocol: "TCP",
      port: 80,
      clusterIPs: [ip([10, 96], i)],
      ...(i % 10 === 0 ? { nodePort: 30000 + i / 10 } : {}),
      externalIPs: [],
      loadBalancerIPs: [],
      externalPolicyLocal: false,
      internalPolicyLocal: false,
      endpoints: Array.from({ length: perService }, (_, j) => ({ ip: ip([10, 128], i * perService + j), port: 8080, ready: true, serving: true, terminating: false, local: false })),
    });
  }
  return { nodeName: "bench-node", nodePortAddresses: [], clusterCIDR: "10.128.0.0/9", services: list };
}

const ms = (t0) => Math.round(Number(process.hrtime.bigint() - t0) / 1e4) / 100;

export async function run({ root }) {
  const d = (p) => import(pathToFileURL(join(root, "dist", p)).href);
  const [{ IptablesMode }, { NftablesMode }, { IpvsMode }, { commandRunner }] = await Promise.all([
    d("plugins/proxy/mode/iptables/iptables-mode.js"),
    d("plugins/proxy/mode/nftables/nftables-mode.js"),
    d("plugins/proxy/mode/ipvs/ipvs-mode.js"),
    d("core/proxy/exec.js"),
  ]);
  const root_ = process.getuid?.() === 0;
  const results = [];
  for (const size of [1000, 10000]) {
    const m = model(size, 5);
    for (const mode of ["nftables", "iptables"]) {
      if (mode === "iptables" && size > 1000 && process.env.PROXY_BENCH_IPTABLES_10K !== "1") {
        results.push({ id: `${mode}/${size}`, skipped: "iptables-restore (nf_tables backend) was still running after 2 minutes of CPU at 10,000 services on this machine; PROXY_BENCH_IPTABLES_10K=1 runs it" });
        continue;
      }
      if (!root_) {
        results.push({ id: `${mode}/${size}`, skipped: "needs root for a network namespace" });
        continue;
      }
      const ns = `kb-bench-${process.pid}`;
      execFileSync("ip", ["netns", "add", ns]);
      try {
        const handle = { exec: commandRunner(ns) };
        const proxy = mode === "nftables" ? new NftablesMode(handle) : new IptablesMode(handle);
        let t0 = process.hrtime.bigint();
        const { rules } = await proxy.sync(m);
        const fullMs = ms(t0);
        // One endpoint of one service goes away, as when a pod is deleted.
        const changed = { ...m.services[size / 2], endpoints: m.services[size / 2].endpoints.slice(1) };
        const next = { ...m, services: m.services.map((s, i) => (i === size / 2 ? changed : s)) };
        t0 = process.hrtime.bigint();
        await proxy.sync(next, new Set([changed.key]));
        const changeMs = ms(t0);
        const r = { id: `${mode}/${size}`, services: size, endpointsPerService: 5, rules, fullSyncMs: fullMs, endpointChangeMs: changeMs };
        if (mode === "nftables" && size === 10000) Object.assign(r, { targetFullSyncMs: 2000, targetEndpointChangeMs: 50, met: fullMs <= 2000 && changeMs <= 50 });
        results.push(r);
      } finally {
        execFileSync("ip", ["netns", "del", ns]);
      }
    }
    const ipvs = new IpvsMode({ exec: async () => ({ stdout: "", stderr: "" }) }, "rr");
    const t0 = process.hrtime.bigint();
    const r = ipvs.render(m, 4, ["192.168.0.10"]);
    results.push({ id: `ipvs/${size}`, services: size, endpointsPerService: 5, rules: r.virtualServers + r.realServers, renderMs: ms(t0), applied: false, note: "rendered only: no ip_vs in this kernel" });
  }
  return {
    metric: "ms (full sync)",
    results,
    chart: results.filter((r) => r.fullSyncMs !== undefined).flatMap((r) => [
      { label: `${r.id} full`, value: r.fullSyncMs, ...(r.targetFullSyncMs ? { target: r.targetFullSyncMs } : {}) },
      { label: `${r.id} 1 change`, value: r.endpointChangeMs, ...(r.targetEndpointChangeMs ? { target: r.targetEndpointChangeMs } : {}) },
    ]),
  };
}
