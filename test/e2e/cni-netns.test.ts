import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { projectRoot } from "../support/cli.js";
import { inNs, isRoot, sh } from "../support/netns.js";
import { partAvailable } from "../support/parts.js";

const ready =
  partAvailable("root (network namespaces)", isRoot(), "running the tests as root") &&
  partAvailable("CNI plugins", existsSync("/usr/lib/cni/bridge") && existsSync("/usr/lib/cni/host-local"), "Debian containernetworking-plugins");

describe.runIf(ready)("the cni network plugin with the real bridge, host-local and portmap plugins", () => {
  const tag = String(process.pid % 100000);
  const node = `kbcn-${tag}`;
  const pods = [`kbp0-${tag}`, `kbp1-${tag}`];
  const root = mkdtempSync(join(tmpdir(), "kitbash-cni-"));
  const confDir = join(root, "net.d");
  const ipamDir = join(root, "ipam");
  const podCIDR = "10.250.0.0/24";
  const args = { confDir, binDirs: ["/usr/lib/cni"], cacheDir: "results", timeoutMs: 20_000, podCIDR, interfaceName: "eth0" };
  const sandbox = (i: number, id = `sandbox${i}${tag}`) => ({ id, name: `pod-${i}`, namespace: "default", uid: `uid-${i}`, netns: `/var/run/netns/${pods[i]}`, portMappings: i === 0 ? [{ protocol: "TCP", containerPort: 80, hostPort: 8080, hostIP: "" }] : [] });

  /** Runs one plugin operation inside the node namespace, so the bridge and portmap rules stay there. */
  function cni(op: string, sb?: object): { ok: boolean; out?: any; error?: string } {
    const text = execFileSync("ip", ["netns", "exec", node, process.execPath, join(projectRoot, "test/support/cni-driver.mjs"), JSON.stringify({ op, args, sandbox: sb, dataDir: root })], { encoding: "utf8" });
    return JSON.parse(text);
  }

  beforeAll(() => {
    for (const ns of [node, ...pods]) sh("ip", ["netns", "add", ns]);
    // host-local keeps its leases in the folder the test owns, not /var/lib/cni.
    cni("ready");
    const file = join(confDir, "10-kitbash.conflist");
    const list = JSON.parse(sh("cat", [file]));
    list.plugins[0].bridge = `kbbr${tag}`.slice(0, 15);
    list.plugins[0].ipam.dataDir = ipamDir;
    execFileSync("sh", ["-c", `cat > ${file}`], { input: JSON.stringify(list) });
  });

  afterAll(() => {
    for (const ns of [...pods, node]) {
      try {
        sh("ip", ["netns", "del", ns]);
      } catch {
        // Never made: setup failed earlier.
      }
    }
    rmSync(root, { recursive: true, force: true });
  });

  it("wrote the default conflist from the pod CIDR", () => {
    const list = JSON.parse(sh("cat", [join(confDir, "10-kitbash.conflist")]));
    expect(list.cniVersion).toBe("1.0.0");
    expect(list.plugins.map((p: { type: string }) => p.type)).toEqual(["bridge", "portmap"]);
    expect(list.plugins[0].ipam).toMatchObject({ type: "host-local", ranges: [[{ subnet: podCIDR }]] });
  });

  it("ADD gives two pods addresses from the pod CIDR on one bridge, and they reach each other", () => {
    const a = cni("add", sandbox(0));
    const b = cni("add", sandbox(1));
    expect(a.ok, a.error).toBe(true);
    expect(b.ok, b.error).toBe(true);
    const [ipA, ipB] = [a.out.ips[0], b.out.ips[0]];
    expect(ipA).toMatch(/^10\.250\.0\.\d+$/);
    expect(ipB).toMatch(/^10\.250\.0\.\d+$/);
    expect(ipA).not.toBe(ipB);
    expect(inNs(pods[0]!, "ip", "-4", "addr", "show", "eth0")).toContain(`${ipA}/24`);
    expect(inNs(pods[0]!, "busybox", "ping", "-c", "1", "-W", "2", ipB)).toMatch(/1 packets received/);
    expect(inNs(pods[1]!, "busybox", "ping", "-c", "1", "-W", "2", ipA)).toMatch(/1 packets received/);
    // portmap got the runtimeConfig: its DNAT chain for the hostPort exists in the node namespace.
    expect(inNs(node, "iptables-save", "-t", "nat")).toMatch(/--dport 8080 .*-j DNAT --to-destination 10\.250\.0\.\d+:80/);
    expect(readdirSync(join(ipamDir, "kitbash")).filter((f) => f.startsWith("10.250."))).toHaveLength(2);
    // portmap 1.1.1's CHECK also looks for IPv6 chains it never made, so CHECK runs on the pod without hostPorts.
    expect(cni("check", sandbox(1))).toEqual({ ok: true, out: null });
  });

  it("DEL removes the interface and the address lease, and may be repeated", () => {
    const ipA = inNs(pods[0]!, "ip", "-4", "-o", "addr", "show", "eth0").match(/inet (\S+)\//)![1]!;
    expect(cni("del", sandbox(0))).toEqual({ ok: true, out: null });
    expect(() => inNs(pods[0]!, "ip", "link", "show", "eth0")).toThrow();
    expect(readdirSync(join(ipamDir, "kitbash"))).not.toContain(ipA);
    expect(cni("del", sandbox(0))).toEqual({ ok: true, out: null });
    // A sandbox never set up, in a namespace with no interface left.
    expect(cni("del", { ...sandbox(0, `never${tag}`) })).toEqual({ ok: true, out: null });
    expect(cni("del", sandbox(1))).toEqual({ ok: true, out: null });
    expect(readdirSync(join(ipamDir, "kitbash")).filter((f) => f.startsWith("10.250."))).toEqual([]);
  });

  it("CHECK of a sandbox never set up fails with a clear error", () => {
    const r = cni("check", sandbox(0, `gone${tag}`));
    expect(r.ok).toBe(false);
    expect(r.error).toMatch(/no cached CNI result/);
  });
});
