import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { isAbsolute, join } from "node:path";
import type { BaseHandle } from "../../../../core/kernel/component.js";
import type { PodNetwork, SandboxNetworkRequest } from "../../../../core/runtime/index.js";
import type { CniArgs as Written } from "../../../../schemas/generated/plugins/runtime/cni.args.js";
import { loadConflist, writeDefaultConflist, type Conflist } from "./conflist.js";
import { findPlugin, invokePlugin, type Invocation } from "./invoke.js";

export type CniArgs = Required<Omit<Written, "podCIDR">> & Pick<Written, "podCIDR">;

interface CachedResult {
  network: string;
  conflist: Omit<Conflist, "file">;
  result: Record<string, unknown>;
}

/**
 * Pod networking as containerd's CRI plugin does it with libcni: ADD runs the conflist's plugins
 * in order, each given the previous result; the final result is cached, so CHECK and DEL (in
 * reverse order) get it as prevResult and DEL works even after the configuration changed.
 */
export class CniNetwork implements PodNetwork {
  readonly isolated = true;
  private readonly cacheDir: string;

  constructor(
    private readonly args: CniArgs,
    handle: BaseHandle,
  ) {
    this.cacheDir = isAbsolute(args.cacheDir) ? args.cacheDir : join(handle.dataDir, args.cacheDir);
    if (args.podCIDR) {
      const written = writeDefaultConflist(args.confDir, args.podCIDR);
      if (written) handle.logger.info({ file: written, podCIDR: args.podCIDR }, "wrote the default CNI network");
    }
  }

  ready(): { ok: boolean; reason?: string; message?: string } {
    try {
      const list = loadConflist(this.args.confDir);
      if (!list) return { ok: false, reason: "NetworkPluginNotReady", message: `cni config uninitialized: no *.conflist in ${this.args.confDir}` };
      for (const p of list.plugins) findPlugin(p.type, this.args.binDirs);
      return { ok: true };
    } catch (err) {
      return { ok: false, reason: "NetworkPluginNotReady", message: (err as Error).message };
    }
  }

  async setUp(sandbox: SandboxNetworkRequest): Promise<{ ips: string[] }> {
    const list = loadConflist(this.args.confDir);
    if (!list) throw new Error(`no CNI network: no *.conflist in ${this.args.confDir}`);
    if (!sandbox.netns) throw new Error(`sandbox ${sandbox.id} has no network namespace for CNI`);
    const { file: _, ...conflist } = list;
    // The loopback interface first, as containerd adds its own loopback network.
    await invokePlugin("loopback", this.args.binDirs, { ...this.invocation("ADD", sandbox), ifname: "lo" }, { cniVersion: conflist.cniVersion, name: "cni-loopback", type: "loopback" }, this.args.timeoutMs);
    let prevResult: Record<string, unknown> | undefined;
    try {
      for (const plugin of conflist.plugins) {
        prevResult = await invokePlugin(plugin.type, this.args.binDirs, this.invocation("ADD", sandbox), this.request(conflist, plugin, sandbox, prevResult), this.args.timeoutMs);
      }
    } catch (err) {
      // The spec asks runtimes to DEL after a failed ADD, so a half-made attachment is undone.
      await this.del(conflist, sandbox, prevResult).catch(() => {});
      throw err;
    }
    const result = prevResult ?? {};
    this.writeCache(sandbox, { network: conflist.name, conflist, result });
    return { ips: ipsOf(result) };
  }

  async check(sandbox: SandboxNetworkRequest): Promise<void> {
    const cached = this.readCache(sandbox);
    if (!cached) throw new Error(`no cached CNI result for sandbox ${sandbox.id}`);
    if (cached.conflist.disableCheck) return;
    for (const plugin of cached.conflist.plugins) {
      await invokePlugin(plugin.type, this.args.binDirs, this.invocation("CHECK", sandbox), this.request(cached.conflist, plugin, sandbox, cached.result), this.args.timeoutMs);
    }
  }

  async tearDown(sandbox: SandboxNetworkRequest): Promise<void> {
    const cached = this.readCache(sandbox);
    const list = cached?.conflist ?? (() => {
      const l = loadConflist(this.args.confDir);
      if (!l) return undefined;
      const { file: _, ...rest } = l;
      return rest;
    })();
    if (list) await this.del(list, sandbox, cached?.result);
    rmSync(this.cachePath(sandbox), { force: true });
  }

  /** Plugin binaries' VERSION answers, for diagnostics. */
  async versions(): Promise<Record<string, unknown>> {
    const list = loadConflist(this.args.confDir);
    const out: Record<string, unknown> = {};
    for (const p of list?.plugins ?? []) out[p.type] = await invokePlugin(p.type, this.args.binDirs, { command: "VERSION" }, { cniVersion: list!.cniVersion }, this.args.timeoutMs);
    return out;
  }

  private async del(conflist: Omit<Conflist, "file">, sandbox: SandboxNetworkRequest, prevResult: Record<string, unknown> | undefined): Promise<void> {
    for (const plugin of [...conflist.plugins].reverse()) {
      await invokePlugin(plugin.type, this.args.binDirs, this.invocation("DEL", sandbox), this.request(conflist, plugin, sandbox, prevResult), this.args.timeoutMs);
    }
  }

  private invocation(command: Invocation["command"], sandbox: SandboxNetworkRequest): Invocation {
    return {
      command,
      containerId: sandbox.id,
      ...(sandbox.netns ? { netns: sandbox.netns } : {}),
      ifname: this.args.interfaceName,
      args: { IgnoreUnknown: "1", K8S_POD_NAMESPACE: sandbox.namespace, K8S_POD_NAME: sandbox.name, K8S_POD_INFRA_CONTAINER_ID: sandbox.id, K8S_POD_UID: sandbox.uid },
    };
  }

  /** The per-plugin request: the plugin's object with the list's name and version, its runtimeConfig and prevResult. */
  private request(conflist: Omit<Conflist, "file">, plugin: Conflist["plugins"][number], sandbox: SandboxNetworkRequest, prevResult: Record<string, unknown> | undefined): object {
    const { capabilities, ...rest } = plugin;
    const runtimeConfig: Record<string, unknown> = {};
    if (capabilities?.portMappings && sandbox.portMappings.length) {
      runtimeConfig.portMappings = sandbox.portMappings.map((p) => ({ hostPort: p.hostPort, containerPort: p.containerPort, protocol: p.protocol.toLowerCase(), ...(p.hostIP ? { hostIP: p.hostIP } : {}) }));
    }
    return {
      ...rest,
      cniVersion: conflist.cniVersion,
      name: conflist.name,
      ...(Object.keys(runtimeConfig).length ? { runtimeConfig } : {}),
      ...(prevResult ? { prevResult } : {}),
    };
  }

  private cachePath(sandbox: SandboxNetworkRequest): string {
    return join(this.cacheDir, `${sandbox.id}-${this.args.interfaceName}.json`);
  }

  private writeCache(sandbox: SandboxNetworkRequest, entry: CachedResult): void {
    mkdirSync(this.cacheDir, { recursive: true });
    writeFileSync(this.cachePath(sandbox), JSON.stringify(entry));
  }

  private readCache(sandbox: SandboxNetworkRequest): CachedResult | undefined {
    try {
      return JSON.parse(readFileSync(this.cachePath(sandbox), "utf8")) as CachedResult;
    } catch {
      return undefined;
    }
  }
}

/** The result's addresses without prefix length, IPv4 first (the pod IP). */
export function ipsOf(result: Record<string, unknown>): string[] {
  const ips = ((result.ips as { address?: string }[] | undefined) ?? []).flatMap((i) => (i.address ? [i.address.split("/")[0]!] : []));
  return ips.sort((a, b) => Number(a.includes(":")) - Number(b.includes(":")));
}
