import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdirSync, openSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { RemoteRuntime } from "../../core/kubelet/cri/client.js";
import { partAvailable } from "./parts.js";

const SANDBOX_IMAGE = "registry.k8s.io/pause:3.6";

function onPath(cmd: string): boolean {
  try {
    execFileSync("sh", ["-c", `command -v ${cmd}`], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}

/**
 * Whether a private containerd can run here: containerd and runc (Debian `containerd`, `runc`),
 * the CNI plugins (`containernetworking-plugins`), busybox-static for the test image, and root.
 */
export function containerdAvailable(): boolean {
  if (!partAvailable("containerd", onPath("containerd") && onPath("ctr"), "Debian package containerd")) return false;
  if (!partAvailable("runc", onPath("runc"), "Debian package runc")) return false;
  if (!partAvailable("CNI plugins", existsSync("/usr/lib/cni/bridge"), "Debian package containernetworking-plugins")) return false;
  if (!partAvailable("busybox-static", existsSync("/bin/busybox"), "Debian package busybox-static")) return false;
  return partAvailable("root", process.getuid?.() === 0, "running the tests as root (containerd needs it)");
}

export interface PrivateContainerd {
  /** The CRI socket. */
  socket: string;
  /** The CNI conf dir this containerd reads. */
  cniConfDir: string;
  /** The bridge its CNI config creates (removed on stop). */
  bridge: string;
  subnet: string;
  cri: RemoteRuntime;
  stop(): Promise<void>;
}

/**
 * Starts a containerd of the test's own (root, state, socket and CNI conf dir under `dir`),
 * imports the project's busybox image (also as the sandbox image) and writes a
 * bridge + host-local + portmap conflist on a bridge and subnet of its own, so tests never
 * touch the machine's containerd. `stop` removes every sandbox it ran, then the daemon.
 */
export async function startPrivateContainerd(dir: string): Promise<PrivateContainerd> {
  const root = join(dir, "root");
  const state = join(dir, "state");
  const cniConfDir = join(dir, "net.d");
  for (const d of [root, state, cniConfDir]) mkdirSync(d, { recursive: true });
  const socket = join(dir, "containerd.sock");
  const tag = Math.floor(Math.random() * 0xffff).toString(16);
  const bridge = `kbt${tag}`;
  const subnet = `10.${200 + Math.floor(Math.random() * 50)}.${Math.floor(Math.random() * 250)}.0/24`;
  writeFileSync(
    join(cniConfDir, "10-kitbash.conflist"),
    JSON.stringify({
      cniVersion: "1.0.0",
      name: `kitbash-${tag}`,
      plugins: [
        {
          type: "bridge",
          bridge,
          isGateway: true,
          ipMasq: true,
          hairpinMode: true,
          ipam: { type: "host-local", ranges: [[{ subnet }]], routes: [{ dst: "0.0.0.0/0" }], dataDir: join(dir, "ipam") },
        },
        { type: "portmap", capabilities: { portMappings: true } },
      ],
    }),
  );
  const config = join(dir, "config.toml");
  writeFileSync(
    config,
    [
      "version = 2",
      `root = ${JSON.stringify(root)}`,
      `state = ${JSON.stringify(state)}`,
      "[grpc]",
      `  address = ${JSON.stringify(socket)}`,
      "[ttrpc]",
      `  address = ${JSON.stringify(socket + ".ttrpc")}`,
      '[plugins."io.containerd.grpc.v1.cri"]',
      `  sandbox_image = ${JSON.stringify(SANDBOX_IMAGE)}`,
      '  stream_server_address = "127.0.0.1"',
      '  stream_server_port = "0"',
      // Sandboxes ask for oom_score_adj -998, which needs CAP_SYS_RESOURCE; clamp to ours where it is missing.
      '  restrict_oom_score_adj = true',
      '[plugins."io.containerd.grpc.v1.cri".cni]',
      '  bin_dir = "/usr/lib/cni"',
      `  conf_dir = ${JSON.stringify(cniConfDir)}`,
      "",
    ].join("\n"),
  );
  const log = openSync(join(dir, "containerd.log"), "a");
  const child: ChildProcess = spawn("containerd", ["--config", config], { stdio: ["ignore", log, log] });
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));

  const deadline = Date.now() + 30_000;
  const cri = new RemoteRuntime(socket, 60_000);
  for (;;) {
    if (child.exitCode !== null) throw new Error(`private containerd exited (${child.exitCode}); see ${join(dir, "containerd.log")}`);
    try {
      if (existsSync(socket)) {
        await cri.version();
        break;
      }
    } catch {
      // not serving CRI yet
    }
    if (Date.now() > deadline) throw new Error(`private containerd did not serve CRI within 30 s; see ${join(dir, "containerd.log")}`);
    await new Promise((r) => setTimeout(r, 200));
  }

  const image = join(dir, "busybox.tar");
  execFileSync(join(import.meta.dirname, "../../scripts/build-busybox-image.sh"), [image, SANDBOX_IMAGE], { stdio: "ignore" });
  execFileSync("ctr", ["--address", socket, "-n", "k8s.io", "images", "import", image], { stdio: "ignore" });

  return {
    socket,
    cniConfDir,
    bridge,
    subnet,
    cri,
    async stop() {
      for (const s of await cri.listPodSandbox().catch(() => [])) {
        await cri.stopPodSandbox(s.id).catch(() => undefined);
        await cri.removePodSandbox(s.id).catch(() => undefined);
      }
      cri.close();
      child.kill("SIGTERM");
      await exited;
      try {
        execFileSync("ip", ["link", "del", bridge], { stdio: "ignore" });
      } catch {
        // never created
      }
    },
  };
}
