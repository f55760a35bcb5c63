import { transportFor } from "../client/index.js";
import { componentCredentials } from "../connect/index.js";
import type { Component, ComponentContext } from "../kernel/component.js";
import type { AddonsSettings } from "../../schemas/generated/components/addons.settings.js";
import type { AddOn } from "./add-on.js";
import { Addons } from "./points.js";
import { addonServices, type AddonServices } from "./services.js";

/** The user upstream's system:kube-dns ClusterRoleBinding names (the kube-dns ServiceAccount). */
export const ADDONS_USER = "system:serviceaccount:kube-system:kube-dns";

/** Connects, then runs every add-on until the component stops. */
export class AddonsMain implements Component {
  private readonly services: AddonServices;
  private readonly abort = new AbortController();
  private readonly addOns: { name: string; instance: AddOn }[];

  constructor(private readonly ctx: ComponentContext<AddonsSettings>) {
    this.services = addonServices(ctx);
    this.addOns = Object.values(Addons).flatMap((p) => ctx.entries(p).map((e) => ({ name: e.name, instance: e.instance })));
  }

  banner(): string[] {
    return this.addOns.flatMap((a) => a.instance.banner?.() ?? []);
  }

  async start(): Promise<void> {
    const { settings, dataDir, logger } = this.ctx;
    const config = await componentCredentials({
      ...(settings.kubeconfig ? { kubeconfig: settings.kubeconfig } : {}),
      dataDir,
      user: ADDONS_USER,
      groups: ["system:serviceaccounts", "system:serviceaccounts:kube-system"],
      file: "addons.kubeconfig",
    });
    this.services.transport.connect(transportFor({ ...config, userAgent: "kitbash-addons" }));
    const running = this.addOns.map((a) => a.instance.run(this.abort.signal));
    this.services.informers.start(this.abort.signal);
    await Promise.all(running);
    logger.info({ addOns: this.addOns.map((a) => a.name), server: config.server }, "add-ons running");
  }

  async stop(): Promise<void> {
    this.abort.abort();
    await Promise.all(this.addOns.map((a) => a.instance.stopped?.()));
    await this.services.informers.stop();
    this.services.client.close();
  }
}
