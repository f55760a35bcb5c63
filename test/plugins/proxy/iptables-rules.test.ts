import { describe, expect, it } from "vitest";
import { hash16, sepChain, svcChain } from "../../../plugins/proxy/mode/iptables/chains.js";
import { renderIptables } from "../../../plugins/proxy/mode/iptables/rules.js";
import { endpoint, model, servicePort } from "../../proxy/fixtures.js";

const lines = (text: string, re: RegExp) => text.split("\n").filter((l) => re.test(l));

describe("iptables mode rules", () => {
  it("names chains as upstream hashes them", () => {
    // Upstream's TestServicePortChainName-style fact: base32(sha256("ns1/svc1:p80" + "tcp"))[:16].
    const sp = servicePort({ namespace: "ns1", name: "svc1", portName: "p80" });
    expect(svcChain(sp)).toBe("KUBE-SVC-XPGD46QRK7WJZT7O"); // as in upstream's proxier tests
    expect(sepChain(sp, "10.180.0.1", 80)).toBe("KUBE-SEP-SXIVWICOYRO3J4NJ");
    expect(svcChain(sp)).toMatch(/^KUBE-SVC-[A-Z2-7]{16}$/);
    expect(hash16("")).toBe("4OYMIQUY7QOBJGX3"); // base32 of sha256("") = 4OYMIQUY7QOBJGX36TEJS35ZEQT24QPEMSNZGTFESWMRW6CSXBKQ====
  });

  it("spreads a ClusterIP over its endpoints with decreasing probabilities", () => {
    const sp = servicePort({ name: "web", endpoints: [endpoint("10.244.1.2"), endpoint("10.244.1.3"), endpoint("10.244.1.4")] });
    const { text, rules } = renderIptables(model([sp]), 4);
    const svc = svcChain(sp);
    expect(text).toContain(`:${svc} - [0:0]`);
    expect(lines(text, new RegExp(`^-A KUBE-SERVICES .* -d 10\\.96\\.0\\.10/32 --dport 80 -j ${svc}$`))).toHaveLength(1);
    const jumps = lines(text, new RegExp(`^-A ${svc} .*-j KUBE-SEP-`));
    expect(jumps).toHaveLength(3);
    expect(jumps.map((l) => /--probability (\S+)/.exec(l)?.[1] ?? "last")).toEqual(["0.3333333333", "0.5000000000", "last"]);
    expect(lines(text, /^-A KUBE-SEP-\S+ .* -j DNAT --to-destination 10\.244\.1\.\d:80$/)).toHaveLength(3);
    // Traffic from outside the cluster CIDR is masqueraded.
    expect(lines(text, new RegExp(`^-A ${svc} .*! -s 10\\.244\\.0\\.0/16 -j KUBE-MARK-MASQ$`))).toHaveLength(1);
    expect(text).toMatch(/^-A KUBE-SERVICES .*--dst-type LOCAL -j KUBE-NODEPORTS$/m);
    expect(text.split("\n").filter((l) => l.startsWith("-A")).length).toBe(rules);
  });

  it("rejects traffic to a service without endpoints in the filter table", () => {
    const { text } = renderIptables(model([servicePort({ name: "empty" })]), 4);
    expect(text).toMatch(/^-A KUBE-SERVICES .*"default\/empty has no endpoints".* -d 10\.96\.0\.10\/32 --dport 80 -j REJECT$/m);
    expect(text).not.toContain("KUBE-SVC-");
  });

  it("pins clients with the recent module for ClientIP affinity", () => {
    const sp = servicePort({ name: "sticky", affinitySeconds: 600, endpoints: [endpoint("10.244.1.2"), endpoint("10.244.1.3")] });
    const { text } = renderIptables(model([sp]), 4);
    expect(lines(text, /--rcheck --seconds 600 --reap -j KUBE-SEP-/)).toHaveLength(2);
    expect(lines(text, /-m recent --name KUBE-SEP-\S+ .*--set .*-j DNAT/)).toHaveLength(2);
  });

  it("sends NodePorts through KUBE-EXT, and with externalTrafficPolicy Local to local endpoints only", () => {
    const eps = [endpoint("10.244.1.2", { local: true }), endpoint("10.244.2.2")];
    const cluster = servicePort({ name: "np", nodePort: 30080, endpoints: eps });
    const local = servicePort({ name: "npl", nodePort: 30081, externalPolicyLocal: true, endpoints: eps });
    const { text } = renderIptables(model([cluster, local]), 4);
    expect(text).toMatch(/^-A KUBE-NODEPORTS .*--dport 30080 -j KUBE-EXT-/m);
    const svl = lines(text, /^-A KUBE-SVL-\S+ .*-j KUBE-SEP-/);
    expect(svl).toHaveLength(1);
    expect(svl[0]).not.toContain("probability");
    expect(lines(text, /^-A KUBE-EXT-\S+ -j KUBE-SVL-/)).toHaveLength(1);
  });

  it("routes internalTrafficPolicy Local ClusterIP traffic to the node's endpoints", () => {
    const sp = servicePort({ name: "itp", internalPolicyLocal: true, endpoints: [endpoint("10.244.1.2", { local: true }), endpoint("10.244.2.2")] });
    const { text } = renderIptables(model([sp]), 4);
    expect(text).toMatch(/^-A KUBE-SERVICES .* -d 10\.96\.0\.10\/32 --dport 80 -j KUBE-SVL-/m);
  });

  it("uses terminating serving endpoints only when none is ready", () => {
    const sp = servicePort({ name: "drain", endpoints: [endpoint("10.244.1.2", { ready: false, serving: true, terminating: true }), endpoint("10.244.1.3", { ready: false, serving: false, terminating: true })] });
    const { text } = renderIptables(model([sp]), 4);
    expect(lines(text, /DNAT --to-destination/)).toEqual([expect.stringContaining("10.244.1.2:80")]);
  });

  it("deletes chains of services that went away in the same transaction", () => {
    const { text } = renderIptables(model([]), 4, ["KUBE-SVC-AAAAAAAAAAAAAAAA"]);
    expect(text).toContain(":KUBE-SVC-AAAAAAAAAAAAAAAA - [0:0]");
    expect(text).toMatch(/^-X KUBE-SVC-AAAAAAAAAAAAAAAA$/m);
    expect(text.indexOf("-X KUBE-SVC")).toBeLessThan(text.lastIndexOf("COMMIT"));
  });
});
