import { createHash } from "node:crypto";
import { chmodSync, copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { spawnSync } from "node:child_process";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import * as tar from "tar";

/** One file of a layer: text, a copy of a host file, a symlink, a folder, or a whiteout name. */
export type LayerEntry = { text: string; mode?: number } | { copyOf: string; mode?: number } | { link: string } | { dir: true };

export interface ImageSpecForTest {
  /** Full reference, e.g. docker.io/library/busybox:latest. */
  name: string;
  layers: Record<string, LayerEntry>[];
  config: { Cmd?: string[]; Entrypoint?: string[]; Env?: string[]; WorkingDir?: string };
}

const sha = (b: Buffer) => "sha256:" + createHash("sha256").update(b).digest("hex");

/** Writes an OCI image layout archive (as `ctr images export` would) holding one image. */
export async function writeOciArchive(out: string, spec: ImageSpecForTest): Promise<void> {
  const work = mkdtempSync(join(tmpdir(), "kitbash-oci-"));
  try {
    const blobs = join(work, "layout", "blobs", "sha256");
    mkdirSync(blobs, { recursive: true });
    const put = (b: Buffer) => {
      const d = sha(b);
      writeFileSync(join(blobs, d.slice(7)), b);
      return { digest: d, size: b.length };
    };
    const layers = [];
    for (const [i, files] of spec.layers.entries()) {
      const stage = join(work, `layer${i}`);
      mkdirSync(stage);
      for (const [path, e] of Object.entries(files)) {
        const p = join(stage, path);
        mkdirSync(dirname(p), { recursive: true });
        if ("dir" in e) mkdirSync(p, { recursive: true });
        else if ("link" in e) symlinkSync(e.link, p);
        else if ("text" in e) writeFileSync(p, e.text, { mode: e.mode ?? 0o644 });
        else {
          copyFileSync(e.copyOf, p);
          chmodSync(p, e.mode ?? 0o755);
        }
      }
      const file = join(work, `layer${i}.tar`);
      await tar.c({ cwd: stage, file, portable: true }, ["."]);
      layers.push({ mediaType: "application/vnd.oci.image.layer.v1.tar", ...put(readFileSync(file)) });
    }
    const config = put(Buffer.from(JSON.stringify({ architecture: "amd64", os: "linux", config: spec.config, rootfs: { type: "layers", diff_ids: layers.map((l) => l.digest) } })));
    const manifest = put(Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: "application/vnd.oci.image.manifest.v1+json", config: { mediaType: "application/vnd.oci.image.config.v1+json", ...config }, layers })));
    const tag = spec.name.slice(spec.name.lastIndexOf(":") + 1);
    writeFileSync(join(work, "layout", "oci-layout"), JSON.stringify({ imageLayoutVersion: "1.0.0" }));
    writeFileSync(
      join(work, "layout", "index.json"),
      JSON.stringify({ schemaVersion: 2, manifests: [{ mediaType: "application/vnd.oci.image.manifest.v1+json", ...manifest, annotations: { "io.containerd.image.name": spec.name, "org.opencontainers.image.ref.name": tag } }] }),
    );
    await tar.c({ cwd: join(work, "layout"), file: out, portable: true }, ["oci-layout", "index.json", "blobs"]);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

/** A busybox image from the host's static busybox: every applet linked in /bin, `sh` as its command. */
export async function writeBusyboxArchive(out: string, name = "docker.io/library/busybox:latest"): Promise<void> {
  const applets = spawnSync("/bin/busybox", ["--list"], { encoding: "utf8" }).stdout.split("\n").filter((a) => a && a !== "busybox");
  const files: Record<string, LayerEntry> = { "bin/busybox": { copyOf: "/bin/busybox" }, tmp: { dir: true }, proc: { dir: true }, dev: { dir: true }, sys: { dir: true } };
  for (const a of applets) files[`bin/${a}`] = { link: "busybox" };
  files["etc/passwd"] = { text: "root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/home:/bin/false\n" };
  files["etc/group"] = { text: "root:x:0:\nnogroup:x:65534:\n" };
  await writeOciArchive(out, { name, layers: [files], config: { Cmd: ["sh"], Env: ["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"] } });
}

/** Whether the static busybox the image is built from is here (Debian's busybox-static). */
export function hasBusybox(): boolean {
  return spawnSync("/bin/busybox", ["--list"]).status === 0;
}
