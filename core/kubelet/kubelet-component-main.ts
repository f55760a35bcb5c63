import { mkdirSync, readFileSync } from "node:fs";
import { hostname } from "node:os";
import { resolve } from "node:path";
import { KubeClient } from "../client/index.js";
import { componentCredentials } from "../connect/index.js";
import type { Component, ComponentContext } from "../kernel/component.js";
import type { KubeletSettings } from "../../schemas/generated/components/kubelet.settings.js";
import { KubeletMain } from "./kubelet.js";
import { Kubelet } from "./points.js";

type Settings = Required<Omit<KubeletSettings, "kubeconfig" | "nodeName">> & Pick<KubeletSettings, "kubeconfig" | "nodeName">;

/** Connects as the node, asks the runtime plugin for its CRI connection, and runs the kubelet's loop. */
export class KubeletComponentMain implements Component {
  private kubelet: KubeletMain | undefined;
  private client: KubeClient | undefined;
  private readonly nodeName: string;

  constructor(private readonly ctx: ComponentContext<Settings>) {
    this.nodeName = ctx.settings.nodeName ?? hostname().toLowerCase();
  }

  banner(): string[] {
    return [`kubelet: node ${this.nodeName}`];
  }

  async start(): Promise<void> {
    const { settings: s, dataDir, logger } = this.ctx;
    const user = `system:node:${this.nodeName}`;
    const config = await componentCredentials({ ...(s.kubeconfig ? { kubeconfig: s.kubeconfig } : {}), dataDir, user, groups: ["system:nodes"], file: "kubelet.kubeconfig" });
    this.client = KubeClient.fromConfig({ ...config, userAgent: `kubelet/kitbash (${this.nodeName})` });
    const runtime = await this.ctx.single(Kubelet.runtime).connect();
    let clientCA: string | undefined;
    try {
      clientCA = readFileSync(resolve(dataDir, "pki", "ca.crt"), "utf8");
    } catch {
      clientCA = config.ca;
    }
    for (const dir of [s.rootDir, s.podLogsDir]) mkdirSync(resolve(dataDir, dir), { recursive: true });
    this.kubelet = new KubeletMain({
      nodeName: this.nodeName,
      client: this.client,
      runtime,
      volumes: this.ctx.entries(Kubelet.volumes).map((e) => e.instance),
      probes: this.ctx.entries(Kubelet.probes).map((e) => e.instance),
      rootDir: resolve(dataDir, s.rootDir),
      podLogsDir: resolve(dataDir, s.podLogsDir),
      logger,
      maxPods: s.maxPods,
      port: s.port,
      ...(clientCA ? { clientCA } : {}),
      clusterDNS: s.clusterDNS,
      clusterDomain: s.clusterDomain,
    });
    await this.kubelet.start();
    logger.info({ node: this.nodeName }, "kubelet running");
  }

  async stop(): Promise<void> {
    await this.kubelet?.stop();
    this.client?.close();
  }
}
