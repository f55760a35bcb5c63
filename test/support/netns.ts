import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";

export const isRoot = () => process.getuid?.() === 0;

export function sh(cmd: string, args: string[], input?: string): string {
  return execFileSync(cmd, args, { encoding: "utf8", input, stdio: ["pipe", "pipe", "pipe"] });
}

export const inNs = (ns: string, cmd: string, ...args: string[]) => sh("ip", ["netns", "exec", ns, cmd, ...args]);

/**
 * A node namespace with a bridge for backends and a routed link to a client namespace: the client
 * (10.100.0.2) reaches the node at 10.100.0.1; backends are 10.244.0.11… on the node's bridge
 * (10.244.0.1/24), each running busybox httpd with an index page naming it.
 */
export class ServiceLab {
  readonly node: string;
  readonly client: string;
  readonly backends: string[];
  private readonly servers: ChildProcess[] = [];

  constructor(
    private readonly tag: string,
    backendCount: number,
    private readonly dir: string,
  ) {
    this.node = `kbn-${tag}`;
    this.client = `kbc-${tag}`;
    this.backends = Array.from({ length: backendCount }, (_, i) => `kbb${i}-${tag}`);
  }

  backendIP = (i: number) => `10.244.0.${11 + i}`;

  up(): void {
    const { node, client } = this;
    for (const ns of [node, client, ...this.backends]) sh("ip", ["netns", "add", ns]);
    for (const ns of [node, client, ...this.backends]) inNs(ns, "ip", "link", "set", "lo", "up");
    inNs(node, "sysctl", "-qw", "net.ipv4.ip_forward=1");
    inNs(node, "ip", "link", "add", "br0", "type", "bridge");
    inNs(node, "ip", "addr", "add", "10.244.0.1/24", "dev", "br0");
    inNs(node, "ip", "link", "set", "br0", "up");
    inNs(node, "ip", "link", "add", "toclient", "type", "veth", "peer", "name", "eth0", "netns", client);
    inNs(node, "ip", "addr", "add", "10.100.0.1/24", "dev", "toclient");
    inNs(node, "ip", "link", "set", "toclient", "up");
    inNs(client, "ip", "addr", "add", "10.100.0.2/24", "dev", "eth0");
    inNs(client, "ip", "link", "set", "eth0", "up");
    inNs(client, "ip", "route", "add", "default", "via", "10.100.0.1");
    this.backends.forEach((ns, i) => {
      inNs(node, "ip", "link", "add", `veth${i}`, "type", "veth", "peer", "name", "eth0", "netns", ns);
      inNs(node, "ip", "link", "set", `veth${i}`, "master", "br0", "up");
      inNs(ns, "ip", "addr", "add", `${this.backendIP(i)}/24`, "dev", "eth0");
      inNs(ns, "ip", "link", "set", "eth0", "up");
      inNs(ns, "ip", "route", "add", "default", "via", "10.244.0.1");
      const www = join(this.dir, `www${i}`);
      mkdirSync(www, { recursive: true });
      writeFileSync(join(www, "index.html"), `backend-${i}\n`);
      this.servers.push(spawn("ip", ["netns", "exec", ns, "busybox", "httpd", "-f", "-p", "80", "-h", www], { stdio: "ignore" }));
    });
  }

  /** `n` GETs from the client namespace, one connection each; gives each answer's body. */
  fetchMany(url: string, n: number): string[] {
    const script = `i=0; while [ $i -lt ${n} ]; do curl -s -m 2 ${url} || echo FAILED; i=$((i+1)); done`;
    return inNs(this.client, "sh", "-c", script).trim().split("\n");
  }

  down(): void {
    for (const s of this.servers) s.kill();
    for (const ns of [this.client, ...this.backends, this.node]) {
      try {
        sh("ip", ["netns", "del", ns]);
      } catch {
        // Already gone: the test failed before making it.
      }
    }
  }
}
