import { setMaxListeners } from "node:events";
import { transportFor } from "../client/index.js";
import type { Component, ComponentContext } from "../kernel/component.js";
import type { PluginEntry } from "../kernel/extension-point.js";
import { nodeCredentials } from "./connection.js";
import type { NodeAgent } from "./node-agent.js";
import { Node } from "./points.js";
import type { NodeSettings } from "./settings.js";
import { nodeServices, type NodeServices } from "./shared-services.js";

/**
 * The node component: connects, then runs every node agent of the profile until it stops. Node
 * agents are not leader-elected: each owns its own Nodes.
 */
export class NodeMain implements Component {
  private readonly services: NodeServices;
  private readonly agents: readonly PluginEntry<NodeAgent>[];
  private readonly abort = new AbortController();
  private running: Promise<void> | undefined;

  constructor(private readonly ctx: ComponentContext<NodeSettings>) {
    this.services = nodeServices(ctx);
    this.agents = ctx.entries(Node.nodes);
    // Every agent and its waits listen to the one stop signal.
    setMaxListeners(0, this.abort.signal);
  }

  banner(): string[] {
    return [`node agents: ${this.agents.map((e) => e.name).join(", ") || "none"}`];
  }

  async start(): Promise<void> {
    const { settings, dataDir, logger } = this.ctx;
    const config = await nodeCredentials({
      ...(settings.kubeconfig ? { kubeconfig: settings.kubeconfig } : {}),
      ...(settings.user ? { user: settings.user } : {}),
      ...(settings.groups ? { groups: settings.groups } : {}),
      dataDir,
    });
    this.services.transport.connect(transportFor({ ...config, userAgent: "kubelet/kitbash" }));
    logger.info({ server: config.server, agents: this.agents.map((e) => e.name) }, "node agents connected");
    const signal = this.abort.signal;
    const runs = this.agents.map((e) =>
      e.instance.run(signal).catch((err) => logger.error({ agent: e.name, err: (err as Error).message }, "node agent failed")),
    );
    this.services.informers.start(signal);
    this.running = Promise.all(runs).then(() => undefined);
  }

  async stop(): Promise<void> {
    this.abort.abort();
    await this.running;
    await this.services.informers.stop();
    await this.services.events.stop();
    this.services.client.close();
  }
}
