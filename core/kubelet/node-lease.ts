import { isNotFound, microTime, Resources, type KubeClient } from "../client/index.js";
import type { Lease } from "../client/index.js";
import type { Logger } from "../kernel/logging.js";

/**
 * The node's heartbeat: a Lease named after the node in kube-node-lease, renewed every
 * `renewMs` (10 s) with a 40 s duration and owned by the Node, as upstream's node lease controller.
 */
export class NodeLease {
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly client: KubeClient,
    private readonly node: { name: string; uid: string },
    private readonly logger: Logger,
    private readonly renewMs = 10_000,
    private readonly durationSeconds = 40,
  ) {}

  start(): void {
    const tick = async () => {
      await this.renew().catch((err: Error) => this.logger.warn({ err: err.message }, "failed to renew the node lease"));
      this.timer = setTimeout(() => void tick(), this.renewMs);
    };
    void tick();
  }

  stop(): void {
    if (this.timer) clearTimeout(this.timer);
  }

  async renew(): Promise<void> {
    const leases = this.client.resource<Lease>(Resources.leases, "kube-node-lease");
    const spec = { holderIdentity: this.node.name, leaseDurationSeconds: this.durationSeconds, renewTime: microTime(Date.now()) };
    try {
      const lease = await leases.get(this.node.name);
      await leases.update({ ...lease, spec: { ...lease.spec, ...spec } });
    } catch (err) {
      if (!isNotFound(err)) throw err;
      await leases.create({
        apiVersion: "coordination.k8s.io/v1",
        kind: "Lease",
        metadata: {
          name: this.node.name,
          namespace: "kube-node-lease",
          ownerReferences: [{ apiVersion: "v1", kind: "Node", name: this.node.name, uid: this.node.uid }],
        },
        spec,
      } as Lease);
    }
  }
}
