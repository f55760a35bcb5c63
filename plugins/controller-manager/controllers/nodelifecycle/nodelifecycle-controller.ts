import { Resources, isConflict, isNotFound, objectKey, rfc3339, type Clock } from "../../../../core/client/index.js";
import { parseDuration, type Controller, type ControllerManagerHandle, type Pod } from "../../../../core/controller-manager/index.js";
import type { NodeLifecycleControllerArgs as GeneratedArgs } from "../../../../schemas/generated/plugins/controller-manager/nodelifecycle.args.js";
import { noExecuteKey, sameTaints, withControllerTaints } from "./desired-taints.js";
import { observeHealth, readyCondition, type HealthRecord, type LeaseObject, type Node } from "./node-health.js";
import { NODE_NAME_INDEX, TaintEviction, nodeNameIndex } from "./taint-eviction.js";
import { NOT_READY, UNREACHABLE } from "./taints.js";
import { ZoneLimiter, zoneKey, zoneState, type ZoneState } from "./zones.js";

export type NodeLifecycleControllerArgs = Required<GeneratedArgs>;

const LEASE_NAMESPACE = "kube-node-lease";

/**
 * Upstream's node lifecycle controller with its taint-based eviction: every nodeMonitorPeriod it
 * looks at each node's Ready heartbeat and kube-node-lease Lease, marks the kubelet's conditions
 * Unknown past the grace period, marks the node's pods not ready, keeps the condition taints
 * (NoSchedule, at once) and the not-ready / unreachable NoExecute taint (added at the zone's
 * eviction rate, none while every zone is fully disrupted), and evicts pods that do not tolerate
 * the NoExecute taints for long enough.
 */
export class NodeLifecycleController implements Controller {
  readonly aliases = ["node-lifecycle-controller", "nodelifecycle-controller"];
  private readonly periodMs: number;
  private readonly monitorMs: number;
  private readonly startupMs: number;

  constructor(
    private readonly args: NodeLifecycleControllerArgs,
    private readonly handle: ControllerManagerHandle,
  ) {
    this.periodMs = parseDuration(args.nodeMonitorPeriod);
    this.monitorMs = parseDuration(args.nodeMonitorGracePeriod);
    this.startupMs = parseDuration(args.nodeStartupGracePeriod);
  }

  async run(signal: AbortSignal): Promise<void> {
    const { informers, clock } = this.handle;
    const nodes = informers.informerFor<Node>(Resources.nodes);
    const leases = informers.informerFor<LeaseObject>(Resources.leases, { namespace: LEASE_NAMESPACE });
    const pods = informers.informerFor<Pod>(Resources.pods);
    pods.addIndexers({ [NODE_NAME_INDEX]: nodeNameIndex });
    const eviction = new TaintEviction(this.handle, nodes, pods, this.args.concurrentEvictionSyncs);
    const evicting = eviction.run(signal);
    const synced = await informers.waitForCacheSync(signal);
    const monitor = new NodeMonitor({ ...this.args, monitorMs: this.monitorMs, startupMs: this.startupMs }, this.handle, clock);
    while (synced && !signal.aborted) {
      await monitor.pass(nodes.store.list(), (name) => leases.store.getBy(LEASE_NAMESPACE, name), (node) => pods.store.byIndex(NODE_NAME_INDEX, node));
      await new Promise<void>((resolve) => {
        const h = clock.setTimeout(resolve, this.periodMs);
        signal.addEventListener("abort", () => (clock.clearTimeout(h), resolve()), { once: true });
      });
    }
    await evicting;
  }
}

/** The state one monitor pass carries to the next: health records, zone states and limiters. */
class NodeMonitor {
  private readonly health = new Map<string, HealthRecord>();
  private readonly zones = new Map<string, { state: ZoneState; limiter: ZoneLimiter }>();
  private allDisrupted = false;

  constructor(
    private readonly s: NodeLifecycleControllerArgs & { monitorMs: number; startupMs: number },
    private readonly handle: ControllerManagerHandle,
    private readonly clock: Clock,
  ) {}

  async pass(all: Node[], leaseOf: (node: string) => LeaseObject | undefined, podsOn: (node: string) => Pod[]): Promise<void> {
    const s = this.s;
    const now = this.clock.now();
    const observed: Node[] = [];
    for (const name of this.health.keys()) if (!all.some((n) => n.metadata.name === name)) this.health.delete(name);

    for (const node of all) {
      const name = node.metadata.name!;
      const { record, conditions } = observeHealth(node, leaseOf(name), this.health.get(name), now, { monitorMs: s.monitorMs, startupMs: s.startupMs });
      this.health.set(name, record);
      let current = node;
      if (conditions) {
        current = (await this.write(() => this.nodes().updateStatus({ ...node, status: { ...node.status, conditions } }), name)) ?? { ...node, status: { ...node.status, conditions } };
        this.handle.recorder.event(node, "Normal", "NodeNotReady", "NodeNotReady", `Node ${name} status is now: NodeNotReady`);
      }
      // Upstream marks them at the transition and whenever a pod on a not-ready node changes; each pass covers both.
      if (readyCondition(current)?.status !== "True") await this.markPodsNotReady(podsOn(name), now);
      observed.push(current);
    }

    // Zone states decide how fast NoExecute taints go on; every zone fully disrupted stops them.
    const counts = new Map<string, { ready: number; notReady: number; size: number }>();
    for (const node of observed) {
      const c = counts.get(zoneKey(node.metadata.labels)) ?? { ready: 0, notReady: 0, size: 0 };
      c.size++;
      if (readyCondition(node)?.status === "True") c.ready++;
      else c.notReady++;
      counts.set(zoneKey(node.metadata.labels), c);
    }
    const states = new Map([...counts].map(([z, c]) => [z, zoneState(c.ready, c.notReady, s.unhealthyZoneThreshold)]));
    const allDisrupted = states.size > 0 && [...states.values()].every((st) => st === "FullDisruption");
    if (this.allDisrupted && !allDisrupted) {
      // Leaving full disruption: every node gets a fresh grace period, as upstream resets its probes.
      for (const r of this.health.values()) r.probeMs = now;
    }
    this.allDisrupted = allDisrupted;
    for (const [z, state] of states) {
      const size = counts.get(z)!.size;
      const rate = state === "PartialDisruption" ? (size > s.largeClusterSizeThreshold ? s.secondaryNodeEvictionRate : 0) : s.nodeEvictionRate;
      const zone = this.zones.get(z);
      if (!zone) this.zones.set(z, { state, limiter: new ZoneLimiter(rate, now) });
      else if (zone.state !== state) {
        zone.state = state;
        zone.limiter.setRate(rate, now);
      }
    }

    for (const node of observed) {
      const want = this.allDisrupted ? undefined : noExecuteKey(node);
      const has = (node.spec?.taints ?? []).find((t) => t.effect === "NoExecute" && (t.key === NOT_READY || t.key === UNREACHABLE))?.key;
      // Adding (or swapping in) a NoExecute taint waits for the zone's limiter; removing one never does.
      const noExecute = want && want !== has && !this.zones.get(zoneKey(node.metadata.labels))!.limiter.tryAccept(now) ? has : want;
      const taints = withControllerTaints(node, noExecute, now);
      if (sameTaints(taints, node.spec?.taints ?? [])) continue;
      await this.write(() => this.nodes().update({ ...node, spec: { ...node.spec, taints } }), node.metadata.name!);
    }
  }

  /** Upstream's MarkPodsNotReady: the Ready condition of each pod on the node goes False. */
  private async markPodsNotReady(pods: Pod[], now: number): Promise<void> {
    for (const pod of pods) {
      const conditions = pod.status?.conditions ?? [];
      const i = conditions.findIndex((c) => c.type === "Ready");
      if (i < 0 || conditions[i]!.status === "False") continue;
      const next = [...conditions];
      next[i] = { ...next[i]!, status: "False", lastTransitionTime: rfc3339(now) };
      await this.write(() => this.handle.client.resource<Pod>(Resources.pods, pod.metadata.namespace).updateStatus({ ...pod, status: { ...pod.status, conditions: next } }), objectKey(pod));
    }
  }

  private nodes() {
    return this.handle.client.resource<Node>(Resources.nodes);
  }

  /** A write that lost a race (conflict) or whose object went is tried again next pass. */
  private async write<T>(fn: () => Promise<T>, what: string): Promise<T | undefined> {
    try {
      return await fn();
    } catch (err) {
      if (!isConflict(err) && !isNotFound(err)) this.handle.logger.warn({ object: what, err: (err as Error).message }, "node lifecycle write failed; next pass tries again");
      return undefined;
    }
  }
}
