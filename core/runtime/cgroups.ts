import { existsSync, mkdirSync, readFileSync, rmdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { LinuxContainerResources } from "../cri/index.js";

const ROOT = "/sys/fs/cgroup";

/**
 * A container's cgroups (v1 hierarchies memory, cpu, pids, or the unified v2 one), under
 * `kitbash/<id>`: the CRI resources written as limits before the container's first process
 * joins. Undefined where cgroups cannot be written (not root, no hierarchy).
 */
export class ContainerCgroups {
  private constructor(
    readonly paths: string[],
    private readonly v2: boolean,
  ) {}

  static create(id: string, resources: LinuxContainerResources | null | undefined): ContainerCgroups | undefined {
    if (process.getuid?.() !== 0) return undefined;
    const v2 = existsSync(join(ROOT, "cgroup.controllers"));
    const paths: string[] = [];
    try {
      if (v2) {
        const p = join(ROOT, "kitbash", id);
        mkdirSync(p, { recursive: true });
        paths.push(p);
      } else {
        for (const ctrl of ["memory", "cpu", "pids"]) {
          if (!existsSync(join(ROOT, ctrl))) continue;
          const p = join(ROOT, ctrl, "kitbash", id);
          mkdirSync(p, { recursive: true });
          paths.push(p);
        }
      }
    } catch {
      return undefined;
    }
    if (!paths.length) return undefined;
    const cg = new ContainerCgroups(paths, v2);
    cg.apply(resources);
    return cg;
  }

  private apply(r: LinuxContainerResources | null | undefined): void {
    if (!r) return;
    const write = (ctrl: string, file: string, value: string) => {
      const dir = this.v2 ? this.paths[0]! : this.paths.find((p) => p.startsWith(join(ROOT, ctrl)));
      if (dir && existsSync(join(dir, file))) writeFileSync(join(dir, file), value);
    };
    if (r.memory_limit_in_bytes > 0) {
      if (this.v2) write("", "memory.max", String(r.memory_limit_in_bytes));
      else write("memory", "memory.limit_in_bytes", String(r.memory_limit_in_bytes));
    }
    if (r.cpu_quota > 0) {
      const period = r.cpu_period > 0 ? r.cpu_period : 100_000;
      if (this.v2) write("", "cpu.max", `${r.cpu_quota} ${period}`);
      else {
        write("cpu", "cpu.cfs_period_us", String(period));
        write("cpu", "cpu.cfs_quota_us", String(r.cpu_quota));
      }
    }
    if (r.cpu_shares > 0) {
      // v2's weight from v1's shares, as runc converts them.
      if (this.v2) write("", "cpu.weight", String(Math.round(1 + ((r.cpu_shares - 2) * 9999) / 262142)));
      else write("cpu", "cpu.shares", String(r.cpu_shares));
    }
  }

  /** Whether the memory limit was hit: with a SIGKILL, upstream's OOMKilled. */
  oomKilled(): boolean {
    try {
      if (this.v2) return /oom_kill (\d+)/.exec(readFileSync(join(this.paths[0]!, "memory.events"), "utf8"))?.[1] !== "0";
      const mem = this.paths.find((p) => p.startsWith(join(ROOT, "memory")));
      return mem ? /oom_kill (\d+)/.exec(readFileSync(join(mem, "memory.oom_control"), "utf8"))?.[1] !== "0" || Number(readFileSync(join(mem, "memory.failcnt"), "utf8")) > 0 : false;
    } catch {
      return false;
    }
  }

  remove(): void {
    for (const p of this.paths) {
      try {
        rmdirSync(p);
      } catch {
        // Still has a process (being killed) or already gone.
      }
    }
  }
}
