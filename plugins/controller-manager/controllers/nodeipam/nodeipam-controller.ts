import { Resources, isNotFound, runWorkers, type KubeObject } from "../../../../core/client/index.js";
import type { Controller, ControllerManagerHandle } from "../../../../core/controller-manager/index.js";
import type { NodeIpamControllerArgs as GeneratedArgs } from "../../../../schemas/generated/plugins/controller-manager/nodeipam.args.js";
import { CidrSet, formatCidr, parseCidr } from "./cidr-set.js";

export type NodeIpamControllerArgs = Required<GeneratedArgs>;

interface Node extends KubeObject {
  spec?: { podCIDR?: string; podCIDRs?: string[] };
}

/** The cluster CIDRs of the args as one CidrSet per family, checked as upstream checks its flags. */
export function cidrSets(args: NodeIpamControllerArgs): CidrSet[] {
  const cidrs = args.clusterCIDR.split(",").map((t) => parseCidr(t));
  if (cidrs.length > 2 || (cidrs.length === 2 && cidrs[0]!.bits === cidrs[1]!.bits)) {
    throw new Error(`clusterCIDR "${args.clusterCIDR}": at most one IPv4 and one IPv6 CIDR`);
  }
  return cidrs.map((c) => new CidrSet(c, c.bits === 32 ? args.nodeCIDRMaskSizeIPv4 : args.nodeCIDRMaskSizeIPv6));
}

const podCidrsOf = (node: Node): string[] => node.spec?.podCIDRs?.length ? node.spec.podCIDRs : node.spec?.podCIDR ? [node.spec.podCIDR] : [];

/**
 * Upstream's node IPAM controller with the RangeAllocator: each node gets one pod CIDR per
 * cluster CIDR in spec.podCIDR / spec.podCIDRs, never one another node holds. What nodes hold is
 * read back from the cache before anything is handed out, so a restart double-allocates nothing;
 * a deleted node's CIDRs are free again.
 */
export class NodeIpamController implements Controller {
  readonly aliases = ["node-ipam-controller"];
  readonly disabledByDefault: boolean;

  constructor(
    private readonly args: NodeIpamControllerArgs,
    private readonly handle: ControllerManagerHandle,
  ) {
    // As upstream without --allocate-node-cidrs: off unless asked for.
    this.disabledByDefault = !args.allocateNodeCIDRs;
    cidrSets(args);
  }

  async run(signal: AbortSignal): Promise<void> {
    if (!this.args.allocateNodeCIDRs) return;
    const { informers, logger, client, recorder } = this.handle;
    const sets = cidrSets(this.args);
    const queue = this.handle.newQueue<string>("node_ipam");
    const nodes = informers.informerFor<Node>(Resources.nodes);
    // What each node was seen holding, to give back when it goes.
    const held = new Map<string, string[]>();
    const occupy = (node: Node) => {
      const cidrs = podCidrsOf(node);
      if (!cidrs.length) return false;
      for (const text of cidrs) {
        let parsed;
        try {
          parsed = parseCidr(text);
        } catch {
          continue;
        }
        const set = sets.find((s) => s.contains(parsed));
        if (set) set.occupy(parsed);
        else logger.warn({ node: node.metadata.name, cidr: text }, "node pod CIDR lies outside the cluster CIDR; left alone");
      }
      held.set(node.metadata.name!, cidrs);
      return true;
    };
    const release = (name: string) => {
      for (const text of held.get(name) ?? []) {
        const c = parseCidr(text);
        sets.find((s) => s.contains(c))?.release(c);
      }
      held.delete(name);
    };
    nodes.addEventHandler({
      onAdd: (node) => {
        if (!occupy(node)) queue.add(node.metadata.name!);
      },
      onUpdate: (_old, node) => {
        if (!occupy(node)) queue.add(node.metadata.name!);
      },
      onDelete: (node) => release(node.metadata.name!),
    });
    signal.addEventListener("abort", () => void queue.shutDownWithDrain(), { once: true });
    if (!(await informers.waitForCacheSync(signal))) return;

    const sync = async (name: string) => {
      const node = nodes.store.getBy(undefined, name);
      if (!node || held.has(name) || podCidrsOf(node).length) return;
      const taken = sets.map((s) => s.allocate());
      if (taken.some((c) => !c)) {
        taken.forEach((c, i) => c && sets[i]!.release(c));
        recorder.event(node, "Normal", "CIDRNotAvailable", "Allocating", `Node ${name} status is now: CIDRNotAvailable`);
        throw new Error(`no pod CIDR left in ${this.args.clusterCIDR} for node ${name}`);
      }
      const podCIDRs = taken.map((c) => formatCidr(c!));
      try {
        await client.resource(Resources.nodes).patch(name, "merge", { spec: { podCIDR: podCIDRs[0], podCIDRs } });
        held.set(name, podCIDRs);
      } catch (err) {
        taken.forEach((c, i) => sets[i]!.release(c!));
        if (isNotFound(err)) return;
        throw err;
      }
    };
    // One worker: allocations are handed out in turn and never race each other.
    await runWorkers(queue, 1, sync, {
      onError: (key, err) => logger.warn({ node: key, err: (err as Error).message }, "node CIDR allocation failed; retrying"),
    });
  }
}
