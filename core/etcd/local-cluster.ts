import { spawn, type ChildProcess } from "node:child_process";
import { mkdirSync, openSync, closeSync } from "node:fs";
import { join } from "node:path";
import type { Logger } from "../kernel/logging.js";

export interface LocalEtcdMember {
  name: string;
  clientPort: number;
  peerPort: number;
}

export interface LocalEtcdOptions {
  binary: string;
  host: string;
  members: LocalEtcdMember[];
  /** Each member's data lives in `<dir>/<name>`, its log in `<dir>/<name>.log`. */
  dir: string;
  readyTimeoutMs: number;
  progressNotifyIntervalMs: number;
  logger: Logger;
}

/**
 * A development etcd cluster of child processes on this machine: the members etcd's own
 * Procfile would start, on the same data after a restart. Production points the etcd3
 * storage at members it does not own; this exists so one command brings up the HA shape.
 */
export class LocalEtcdCluster {
  private readonly children = new Map<string, ChildProcess>();
  private stopping = false;
  /** Why a member's process could not run at all (the binary missing, not executable). */
  private readonly spawnErrors = new Map<string, string>();

  constructor(private readonly opts: LocalEtcdOptions) {}

  /** Client URLs, in member order: what the etcd3 storage's `endpoints` should list. */
  get endpoints(): string[] {
    return this.opts.members.map((m) => this.clientUrl(m));
  }

  /** Starts every member, then waits until each answers /health; the cluster needs a quorum to do so. */
  async start(): Promise<void> {
    for (const m of this.opts.members) this.startMember(m.name);
    await Promise.all(this.opts.members.map((m) => this.waitHealthy(m)));
  }

  async stop(): Promise<void> {
    this.stopping = true;
    await Promise.all(this.opts.members.map((m) => this.stopMember(m.name)));
  }

  /** Starts one member again on its data (after stopMember or a crash). */
  startMember(name: string): void {
    const m = this.member(name);
    if (this.children.has(name)) return;
    mkdirSync(this.opts.dir, { recursive: true });
    const log = openSync(join(this.opts.dir, `${m.name}.log`), "a");
    const cluster = this.opts.members.map((x) => `${x.name}=${this.peerUrl(x)}`).join(",");
    const args = [
      "--name", m.name,
      "--data-dir", join(this.opts.dir, m.name),
      "--listen-client-urls", this.clientUrl(m),
      "--advertise-client-urls", this.clientUrl(m),
      "--listen-peer-urls", this.peerUrl(m),
      "--initial-advertise-peer-urls", this.peerUrl(m),
      "--initial-cluster", cluster,
      "--initial-cluster-token", "kitbash-local",
      "--initial-cluster-state", "new",
      "--experimental-watch-progress-notify-interval", `${this.opts.progressNotifyIntervalMs}ms`,
      "--logger", "zap",
      "--log-outputs", "stderr",
    ];
    const child = spawn(this.opts.binary, args, { stdio: ["ignore", log, log] });
    closeSync(log);
    this.children.set(name, child);
    child.once("error", (err) => {
      this.spawnErrors.set(name, `cannot run ${this.opts.binary} (${err.message}): install etcd (Debian: etcd-server) or set components.etcd.settings.binary`);
    });
    child.once("exit", (code, signal) => {
      if (this.children.get(name) === child) this.children.delete(name);
      if (!this.stopping) this.opts.logger.warn({ member: name, code, signal, log: join(this.opts.dir, `${m.name}.log`) }, "etcd member exited");
    });
  }

  /** Stops one member (SIGTERM, then SIGKILL after 5 s), keeping its data. */
  async stopMember(name: string, signal: NodeJS.Signals = "SIGTERM"): Promise<void> {
    const child = this.children.get(name);
    if (!child) return;
    this.children.delete(name);
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((r) => child.once("exit", r));
    child.kill(signal);
    const timer = setTimeout(() => child.kill("SIGKILL"), 5000);
    await exited;
    clearTimeout(timer);
  }

  private async waitHealthy(m: LocalEtcdMember): Promise<void> {
    const until = Date.now() + this.opts.readyTimeoutMs;
    let last = "no answer yet";
    while (Date.now() < until) {
      const child = this.children.get(m.name);
      const spawnError = this.spawnErrors.get(m.name);
      if (spawnError) throw new Error(`etcd member ${m.name}: ${spawnError}`);
      if (!child || child.exitCode !== null) {
        throw new Error(`etcd member ${m.name} exited before it was healthy (code ${child?.exitCode ?? "unknown"}); see ${join(this.opts.dir, `${m.name}.log`)}`);
      }
      try {
        const res = await fetch(`${this.clientUrl(m)}/health`, { signal: AbortSignal.timeout(1000) });
        const body = (await res.json()) as { health?: string };
        if (body.health === "true") return;
        last = JSON.stringify(body);
      } catch (err) {
        last = (err as Error).message;
      }
      await new Promise((r) => setTimeout(r, 200));
    }
    throw new Error(`etcd member ${m.name} was not healthy within ${this.opts.readyTimeoutMs} ms (${last}); see ${join(this.opts.dir, `${m.name}.log`)}`);
  }

  private member(name: string): LocalEtcdMember {
    const m = this.opts.members.find((x) => x.name === name);
    if (!m) throw new Error(`no etcd member named ${name} (members: ${this.opts.members.map((x) => x.name).join(", ")})`);
    return m;
  }

  private clientUrl(m: LocalEtcdMember): string {
    return `http://${this.opts.host}:${m.clientPort}`;
  }

  private peerUrl(m: LocalEtcdMember): string {
    return `http://${this.opts.host}:${m.peerPort}`;
  }
}
