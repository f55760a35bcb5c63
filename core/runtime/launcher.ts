import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { delimiter, isAbsolute, join } from "node:path";

export interface LaunchSpec {
  rootfs: string;
  hostname: string;
  /** The sandbox's network namespace to join. */
  netns?: string;
  /** The whole argv: entrypoint and arguments, as the image and the pod combine them. */
  argv: string[];
  env: Record<string, string>;
  workingDir: string;
  /** `uid:gid` to run as; unset runs as the image's root. */
  user?: string;
  mounts: { hostPath: string; containerPath: string; readonly: boolean }[];
  /** Where the mount list for the namespace setup is written. */
  stateDir: string;
  /** cgroup folders the container's first process joins before anything runs. */
  cgroups?: string[];
}

/** Host tools run before the command, with a PATH of their own so a container's PATH cannot pick them. */
const HOST_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

/**
 * Run inside fresh mount, PID, UTS and IPC namespaces, as PID 1's parent: mounts /proc, a
 * minimal /dev, the pod's volumes and files, sets the hostname, then becomes the container's
 * command inside its root filesystem. Arguments come as positional parameters, never quoted
 * into the script.
 */
const SETUP = `set -e
R="$1"; H="$2"; M="$3"; U="$4"; W="$5"; CPATH="$6"; CG="$7"; shift 7
for g in $CG; do echo 0 > "$g/cgroup.procs"; done
mkdir -p "$R/proc" "$R/dev" "$R/sys" "$R/tmp"
mount -t proc proc "$R/proc"
mount -t tmpfs -o nosuid,mode=755 tmpfs "$R/dev"
for d in null zero full random urandom tty; do touch "$R/dev/$d"; mount --bind "/dev/$d" "$R/dev/$d"; done
mkdir -p "$R/dev/shm" "$R/dev/pts"
mount -t tmpfs -o nosuid,nodev,mode=1777 shm "$R/dev/shm"
ln -s /proc/self/fd "$R/dev/fd"; ln -s /proc/self/fd/0 "$R/dev/stdin"; ln -s /proc/self/fd/1 "$R/dev/stdout"; ln -s /proc/self/fd/2 "$R/dev/stderr"
while IFS="$(printf '\\t')" read -r mode src dst; do
  [ -n "$src" ] || continue
  if [ -d "$src" ]; then mkdir -p "$R$dst"; else mkdir -p "$(dirname "$R$dst")"; [ -e "$R$dst" ] || touch "$R$dst"; fi
  mount --bind "$src" "$R$dst"
  if [ "$mode" = ro ]; then mount -o remount,bind,ro "$R$dst"; fi
done < "$M"
hostname "$H"
export PATH="$CPATH"
if [ -n "$U" ]; then exec chroot --userspec="$U" "$R" "$@"; fi
exec unshare --root="$R" --wd="$W" -- "$@"
`;

/** Whether this process may make namespaces and mounts (root); otherwise containers are plain processes. */
export function canIsolate(): boolean {
  return process.getuid?.() === 0;
}

/**
 * Starts a container's process in its own process group (so a stop reaches all of it) with its
 * output on pipes. As root: in new mount/PID/UTS/IPC namespaces, chrooted into its root
 * filesystem, in the sandbox's network namespace. Otherwise: a plain process whose programs
 * and working folder are looked up in the root filesystem first.
 */
export function launch(spec: LaunchSpec): ChildProcess {
  const containerPath = spec.env.PATH ?? "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
  if (!canIsolate()) return launchPlain(spec, containerPath);
  const mountsFile = join(spec.stateDir, "mounts.tsv");
  writeFileSync(mountsFile, spec.mounts.map((m) => `${m.readonly ? "ro" : "rw"}\t${m.hostPath}\t${m.containerPath}\n`).join(""));
  const inner = ["unshare", "--fork", "--pid", "--mount", "--uts", "--ipc", "--propagation", "private", "--", "/bin/sh", "-c", SETUP, "kitbash-container", spec.rootfs, spec.hostname, mountsFile, spec.user ?? "", spec.workingDir || "/", containerPath, (spec.cgroups ?? []).join(" "), ...spec.argv];
  const argv = spec.netns ? ["nsenter", `--net=${spec.netns}`, "--", ...inner] : inner;
  return spawn(argv[0]!, argv.slice(1), { env: { ...spec.env, PATH: HOST_PATH }, stdio: ["ignore", "pipe", "pipe"], detached: true });
}

function launchPlain(spec: LaunchSpec, containerPath: string, stdio: ["pipe" | "ignore", "pipe", "pipe"] = ["ignore", "pipe", "pipe"]): ChildProcess {
  const dirs = containerPath.split(delimiter);
  const rooted = dirs.map((d) => join(spec.rootfs, d));
  const [cmd, ...args] = spec.argv;
  const program = resolveProgram(cmd!, spec.rootfs, rooted) ?? cmd!;
  const wd = join(spec.rootfs, spec.workingDir || "/");
  return spawn(program, args, {
    cwd: existsSync(wd) ? wd : spec.rootfs,
    env: { ...spec.env, PATH: [...rooted, ...dirs].join(delimiter), HOSTNAME: spec.hostname },
    argv0: cmd,
    stdio,
    detached: true,
  });
}

/** An absolute program inside the root filesystem, or a bare name on the container's PATH there. */
function resolveProgram(cmd: string, rootfs: string, rootedPath: string[]): string | undefined {
  if (isAbsolute(cmd)) return existsSync(join(rootfs, cmd)) ? join(rootfs, cmd) : undefined;
  if (cmd.includes("/")) return undefined;
  for (const d of rootedPath) if (existsSync(join(d, cmd))) return join(d, cmd);
  return undefined;
}

/**
 * The container's first process in its PID namespace: the child of the `unshare --fork` that
 * `launch` started (through nsenter, which execs it in place). Undefined without isolation.
 */
export function initPid(pid: number): number | undefined {
  try {
    const children = readFileSync(`/proc/${pid}/task/${pid}/children`, "utf8").trim().split(/\s+/).filter(Boolean);
    return children.length ? Number(children[0]) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Starts a command inside a running container (its namespaces, root and working folder), as
 * CRI exec does; without isolation, as a plain process in its root filesystem.
 */
export function spawnIn(
  container: { pid?: number; rootfs: string; env: Record<string, string>; workingDir: string },
  cmd: string[],
  opts: { stdin?: boolean } = {},
): ChildProcess {
  const stdio: ["pipe" | "ignore", "pipe", "pipe"] = [opts.stdin ? "pipe" : "ignore", "pipe", "pipe"];
  const target = container.pid !== undefined && canIsolate() ? initPid(container.pid) : undefined;
  if (target !== undefined) return spawn("nsenter", ["-t", String(target), "-m", "-u", "-i", "-n", "-p", "-r", "-w", "--", ...cmd], { env: container.env, stdio });
  const child = launchPlain({ rootfs: container.rootfs, hostname: "", argv: cmd, env: container.env, workingDir: container.workingDir, mounts: [], stateDir: "" }, container.env.PATH ?? "/usr/bin:/bin", stdio);
  return child;
}

/** CRI ExecSync: the command's whole output and exit code, killed after `timeoutMs` (0: no limit). */
export function execIn(
  container: { pid?: number; rootfs: string; env: Record<string, string>; workingDir: string },
  cmd: string[],
  timeoutMs: number,
): Promise<{ stdout: Buffer; stderr: Buffer; exitCode: number }> {
  const child = spawnIn(container, cmd);
  return new Promise((resolve) => {
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout!.on("data", (d: Buffer) => out.push(d));
    child.stderr!.on("data", (d: Buffer) => err.push(d));
    const timer = timeoutMs > 0 ? setTimeout(() => child.kill("SIGKILL"), timeoutMs) : undefined;
    child.on("error", (e) => err.push(Buffer.from(String(e.message))));
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      resolve({ stdout: Buffer.concat(out), stderr: Buffer.concat(err), exitCode: code ?? (signal ? 128 + 9 : 1) });
    });
  });
}
