import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { ContainerConfig, ContainerStateName, PodSandboxConfig, PodSandboxStateName } from "../cri/index.js";

export interface SandboxRecord {
  id: string;
  config: PodSandboxConfig;
  state: PodSandboxStateName;
  createdAt: number;
  /** `/var/run/netns/<name>` when the network plugin isolates pods. */
  netns?: string;
  ips: string[];
}

export interface ContainerRecord {
  id: string;
  sandboxId: string;
  config: ContainerConfig;
  /** The image id (sha256:…) the container was made from, and the name it was asked by. */
  imageRef: string;
  image: string;
  state: ContainerStateName;
  createdAt: number;
  startedAt: number;
  finishedAt: number;
  exitCode: number;
  reason: string;
  message: string;
  rootfs: string;
  logPath: string;
  /** The process the runtime started (its process group leader). */
  pid?: number;
}

/** Sandboxes and containers, kept in memory and written through to one JSON file each. */
export class RuntimeState {
  readonly sandboxes = new Map<string, SandboxRecord>();
  readonly containers = new Map<string, ContainerRecord>();

  constructor(private readonly dir: string) {
    for (const kind of ["sandboxes", "containers"] as const) {
      mkdirSync(join(dir, kind), { recursive: true });
      for (const f of readdirSync(join(dir, kind))) {
        if (!f.endsWith(".json")) continue;
        const rec = JSON.parse(readFileSync(join(dir, kind, f), "utf8"));
        (kind === "sandboxes" ? this.sandboxes : this.containers).set(rec.id, rec);
      }
    }
  }

  saveSandbox(s: SandboxRecord): void {
    this.sandboxes.set(s.id, s);
    this.write("sandboxes", s.id, s);
  }

  saveContainer(c: ContainerRecord): void {
    this.containers.set(c.id, c);
    this.write("containers", c.id, c);
  }

  deleteSandbox(id: string): void {
    this.sandboxes.delete(id);
    rmSync(join(this.dir, "sandboxes", `${id}.json`), { force: true });
  }

  deleteContainer(id: string): void {
    this.containers.delete(id);
    rmSync(join(this.dir, "containers", `${id}.json`), { force: true });
  }

  /** A full id, or a unique prefix of one (as crictl accepts). */
  findContainer(id: string): ContainerRecord | undefined {
    return this.containers.get(id) ?? unique([...this.containers.values()].filter((c) => c.id.startsWith(id)));
  }

  findSandbox(id: string): SandboxRecord | undefined {
    return this.sandboxes.get(id) ?? unique([...this.sandboxes.values()].filter((s) => s.id.startsWith(id)));
  }

  containerDir(id: string): string {
    return join(this.dir, "containers", id);
  }

  private write(kind: string, id: string, rec: object): void {
    const file = join(this.dir, kind, `${id}.json`);
    writeFileSync(file + ".tmp", JSON.stringify(rec));
    renameSync(file + ".tmp", file);
  }
}

function unique<T>(found: T[]): T | undefined {
  return found.length === 1 ? found[0] : undefined;
}

