import { networkInterfaces } from "node:os";
import type { PodNetwork } from "../../../../core/runtime/index.js";

/**
 * Pods share the host's network: no namespace, the node's address as the pod IP, as a
 * `hostNetwork: true` pod has. The network of the unprivileged case, where namespaces cannot be made.
 */
export class HostNetwork implements PodNetwork {
  readonly isolated = false;

  async setUp(): Promise<{ ips: string[] }> {
    return { ips: [hostIPv4()] };
  }

  async tearDown(): Promise<void> {}

  ready(): { ok: boolean } {
    return { ok: true };
  }
}

function hostIPv4(): string {
  for (const list of Object.values(networkInterfaces())) for (const a of list ?? []) if (a.family === "IPv4" && !a.internal) return a.address;
  return "127.0.0.1";
}
