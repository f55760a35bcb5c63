import { describe, expect, it } from "vitest";
import { NftablesMode } from "../../../plugins/proxy/mode/nftables/nftables-mode.js";
import type { ProxyHandle } from "../../../core/proxy/index.js";
import { endpoint, model, servicePort } from "../../proxy/fixtures.js";

function recording(): { handle: ProxyHandle; inputs: string[] } {
  const inputs: string[] = [];
  const handle = { exec: async (_cmd: string, _args: readonly string[], input?: string) => (inputs.push(input ?? ""), { stdout: "", stderr: "" }) } as unknown as ProxyHandle;
  return { handle, inputs };
}

describe("nftables mode rules", () => {
  const web = servicePort({ namespace: "ns1", name: "web", portName: "http", nodePort: 30080, endpoints: [endpoint("10.244.1.2"), endpoint("10.244.1.3"), endpoint("10.244.1.4")] });

  it("dispatches through the service-ips and service-nodeports verdict maps to per-service chains", () => {
    const { handle } = recording();
    const text = new NftablesMode(handle).render(model([web]), 4);
    expect(text.split("\n").slice(0, 3)).toEqual(["add table ip kube-proxy", "delete table ip kube-proxy", 'add table ip kube-proxy { comment "rules for kube-proxy" ; }']);
    expect(text).toContain("add map ip kube-proxy service-ips { type ipv4_addr . inet_proto . inet_service : verdict ;");
    expect(text).toMatch(/^add rule ip kube-proxy services ip daddr \. meta l4proto \. th dport vmap @service-ips$/m);
    const svc = /add chain ip kube-proxy (service-[A-Z2-7]{8}-ns1\/web\/tcp\/http)$/m.exec(text)?.[1];
    expect(svc).toBeDefined();
    expect(text).toContain(`add element ip kube-proxy service-ips { 10.96.0.10 . tcp . 80 : goto ${svc} }`);
    expect(text).toMatch(/add element ip kube-proxy service-nodeports \{ tcp \. 30080 : goto external-[A-Z2-7]{8}-ns1\/web\/tcp\/http \}/);
    const spread = text.split("\n").filter((l) => l.startsWith(`add rule ip kube-proxy ${svc} `) && l.includes("goto endpoint-"));
    expect(spread.map((l) => /numgen random mod (\d) == 0/.exec(l)?.[1] ?? "last")).toEqual(["3", "2", "last"]);
    expect(spread.map((l) => /__(\S+)\/80$/.exec(l)?.[1])).toEqual(["10.244.1.2", "10.244.1.3", "10.244.1.4"]);
    expect(text.split("\n").filter((l) => / dnat to 10\.244\.1\.\d:80$/.test(l))).toHaveLength(3);
    // Chains are declared before any rule names them.
    const firstUse = text.indexOf("goto endpoint-");
    expect(text.indexOf("add chain ip kube-proxy endpoint-")).toBeLessThan(firstUse);
  });

  it("keeps ClientIP affinity in timed sets", () => {
    const { handle } = recording();
    const text = new NftablesMode(handle).render(model([{ ...web, affinitySeconds: 300 }]), 4);
    expect(text.split("\n").filter((l) => /^add set ip kube-proxy affinity-.*flags dynamic,timeout ; timeout 300s ; }$/.test(l))).toHaveLength(3);
    expect(text.split("\n").filter((l) => /update @affinity-\S+ \{ ip saddr \}$/.test(l))).toHaveLength(3);
    expect(text.split("\n").filter((l) => /ip saddr @affinity-\S+ goto endpoint-/.test(l))).toHaveLength(3);
  });

  it("maps services without endpoints to the reject chain", () => {
    const { handle } = recording();
    const text = new NftablesMode(handle).render(model([servicePort({ name: "empty" })]), 4);
    expect(text).toContain("add element ip kube-proxy service-ips { 10.96.0.10 . tcp . 80 : goto reject-chain }");
    expect(text).not.toMatch(/chain ip kube-proxy service-[A-Z2-7]{8}-/);
  });

  it("rewrites only the changed service port on a partial sync, in one transaction", async () => {
    const { handle, inputs } = recording();
    const mode = new NftablesMode(handle);
    const other = servicePort({ name: "other", clusterIPs: ["10.96.0.11"], endpoints: [endpoint("10.244.9.9")] });
    await mode.sync(model([web, other]));
    const changed = { ...web, endpoints: web.endpoints.slice(0, 2) };
    await mode.sync(model([changed, other]), new Set([web.key]));
    expect(inputs).toHaveLength(2);
    const partial = inputs[1]!;
    expect(partial).not.toContain("delete table");
    expect(partial).not.toContain("other");
    expect(partial).toMatch(/^delete element ip kube-proxy service-ips \{ 10\.96\.0\.10 \. tcp \. 80 \}$/m);
    expect(partial).toMatch(/^delete chain ip kube-proxy endpoint-\S+__10\.244\.1\.4\/80$/m);
    expect(partial).toMatch(/numgen random mod 2 == 0 goto endpoint-/);
    expect(partial).not.toMatch(/numgen random mod 3/);
    // The removed endpoint's chain is deleted only after every chain naming it was flushed.
    expect(partial.lastIndexOf("flush chain")).toBeLessThan(partial.indexOf("delete chain"));
  });

  it("deletes a removed service's chains and elements", async () => {
    const { handle, inputs } = recording();
    const mode = new NftablesMode(handle);
    await mode.sync(model([web]));
    await mode.sync(model([]), new Set([web.key]));
    const partial = inputs[1]!;
    expect(partial.split("\n").filter((l) => l.startsWith("delete chain"))).toHaveLength(5); // service, external, 3 endpoints
    expect(partial).not.toContain("add ");
  });
});
