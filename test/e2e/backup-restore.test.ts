import { execFile } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { hasKubectl, startCluster, type Cluster } from "../support/cluster.js";
import { kitbashBin, projectRoot } from "../support/cli.js";
import { etcdAvailable, startEtcd, type EtcdMember } from "../support/etcd.js";
import { partAvailable } from "../support/parts.js";
import { tempDir } from "../support/temp.js";
import { until } from "../support/until.js";

const ready = partAvailable("kubectl", hasKubectl(), "the machine image (kubectl v1.32 on PATH)") && etcdAvailable();

/** The CLI, run without blocking this process (etcd's log pipe keeps draining). */
function kitbash(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [kitbashBin, ...args], { cwd: projectRoot, env: { ...process.env, KITBASH_LOG_LEVEL: "silent" }, timeout: 60_000 }, (err, stdout, stderr) =>
      resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}

const etcdStorage = (endpoint: string) => [
  "--set",
  "components.apiserver.plugins.storage.enabled=[{name: etcd3}]",
  "--set",
  `components.apiserver.pluginConfig=[{name: etcd3, args: {endpoints: ["${endpoint}"], prefix: /kitbash}}]`,
];

/** name → uid and creation time of the objects the test made. */
async function identities(c: Cluster): Promise<Record<string, [string, string]>> {
  const out: Record<string, [string, string]> = {};
  for (const what of [["namespace", "demo"], ["-n", "demo", "configmap", "app"], ["-n", "demo", "deployment", "web"], ["-n", "demo", "secret", "pw"]]) {
    const r = await c.kubectl(["get", ...what, "-o", "jsonpath={.metadata.uid} {.metadata.creationTimestamp}"]);
    expect(r.stderr).toBe("");
    const [uid, created] = r.stdout.split(" ");
    out[what.join("/")] = [uid!, created!];
  }
  // The Deployment's ReplicaSet and Pods, which its controllers made: after a move they are adopted, not made again.
  for (const kind of ["replicasets", "pods"]) {
    const r = await c.kubectl(["-n", "demo", "get", kind, "-l", "app=web", "-o", "jsonpath={range .items[*]}{.metadata.name} {.metadata.uid}{\"\\n\"}{end}"]);
    for (const line of r.stdout.trim().split("\n").filter(Boolean)) {
      const [name, uid] = line.split(" ");
      out[`${kind}/${name}`] = [uid!, ""];
    }
  }
  return out;
}

/** Waits until the Deployment's controllers have made its ReplicaSet and both Pods. */
async function deploymentSettled(c: Cluster): Promise<void> {
  await until("web's ReplicaSet and 2 Pods", async () => {
    const rs = (await c.kubectl(["-n", "demo", "get", "replicasets", "-l", "app=web", "-o", "name"])).stdout.trim().split("\n").filter(Boolean);
    const pods = (await c.kubectl(["-n", "demo", "get", "pods", "-l", "app=web", "-o", "name"])).stdout.trim().split("\n").filter(Boolean);
    return rs.length === 1 && pods.length === 2;
  }, 30_000);
}

describe.runIf(ready)("backup and restore across backends", () => {
  let cluster: Cluster | undefined;
  let etcd: EtcdMember | undefined;
  afterAll(async () => {
    await cluster?.stop();
    await etcd?.stop();
  });

  it("moves a sqlite cluster to etcd and back to a fresh sqlite, keeping every object's uid and creation time", async () => {
    const sqliteDir = tempDir("kitbash-backup-sqlite-");
    const file = join(tempDir("kitbash-backup-file-"), "cluster.backup");

    cluster = await startCluster(sqliteDir);
    expect((await cluster.kubectl(["create", "namespace", "demo"])).code).toBe(0);
    expect((await cluster.kubectl(["-n", "demo", "create", "configmap", "app", "--from-literal=color=blue"])).code).toBe(0);
    expect((await cluster.kubectl(["-n", "demo", "create", "secret", "generic", "pw", "--from-literal=password=s3cret"])).code).toBe(0);
    expect((await cluster.kubectl(["-n", "demo", "create", "deployment", "web", "--image=nginx", "--replicas=2"])).code).toBe(0);
    await deploymentSettled(cluster);
    const before = await identities(cluster);
    expect(Object.keys(before).filter((k) => k.startsWith("pods/"))).toHaveLength(2);

    // The running server holds the sqlite file's lock.
    const locked = await kitbash(["backup", "--out", file, "--data-dir", sqliteDir]);
    expect(locked.code).not.toBe(0);
    expect(locked.stderr).toMatch(/state\.db is locked by another process/);
    await cluster.stop();
    cluster = undefined;

    const backup = await kitbash(["backup", "--out", file, "--data-dir", sqliteDir]);
    expect(backup.stderr).toBe("");
    expect(backup.stdout).toMatch(new RegExp(`^backed up \\d+ keys of sqlite storage \\(${sqliteDir}\\) at revision \\d+ to ${file}\\n$`));

    etcd = await startEtcd();
    const etcdDir = tempDir("kitbash-backup-etcd-");
    const restored = await kitbash(["restore", file, "--data-dir", etcdDir, ...etcdStorage(etcd.endpoint)]);
    expect(restored.stderr).toBe("");
    expect(restored.stdout).toMatch(/^restored \d+ keys from .* \(sqlite at revision \d+\) into etcd3 storage/);
    const again = await kitbash(["restore", file, "--data-dir", etcdDir, ...etcdStorage(etcd.endpoint)]);
    expect(again.code).toBe(2);
    expect(again.stderr).toMatch(/^error: the target store is not empty \(it holds \d+ keys\)/);

    cluster = await startCluster(etcdDir, etcdStorage(etcd.endpoint));
    expect(await identities(cluster)).toEqual(before);
    // Given a moment, the controllers on etcd adopt what they find rather than making more.
    await new Promise((r) => setTimeout(r, 2000));
    expect(await identities(cluster)).toEqual(before);
    expect((await cluster.kubectl(["-n", "demo", "get", "configmap", "app", "-o", "jsonpath={.data.color}"])).stdout).toBe("blue");
    // The cluster on etcd goes on working: writes land and get etcd revisions.
    expect((await cluster.kubectl(["-n", "demo", "create", "configmap", "after-move"])).code).toBe(0);
    await cluster.stop();
    cluster = undefined;

    const fromEtcd = join(tempDir("kitbash-backup-file-"), "from-etcd.backup");
    expect((await kitbash(["backup", "--out", fromEtcd, "--data-dir", etcdDir, ...etcdStorage(etcd.endpoint)])).code).toBe(0);
    const freshDir = tempDir("kitbash-backup-fresh-");
    const back = await kitbash(["restore", fromEtcd, "--data-dir", freshDir]);
    expect(back.stdout).toMatch(/\(etcd3 at revision \d+\) into sqlite storage/);
    cluster = await startCluster(freshDir);
    expect(await identities(cluster)).toEqual(before);
    expect((await cluster.kubectl(["-n", "demo", "get", "configmap", "after-move", "-o", "name"])).stdout).toBe("configmap/after-move\n");
  }, 180_000);

  it("refuses a damaged backup file, naming it, before touching the target", async () => {
    const dir = tempDir("kitbash-backup-bad-");
    const bad = join(dir, "bad.backup");
    writeFileSync(bad, '{"format":"kitbash-backup","formatVersion":1,"source":"sqlite","revision":3,"createdAt":"x"}\n{"key":"/a","value":"{}"}\n');
    const r = await kitbash(["restore", bad, "--data-dir", join(dir, "data")]);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(`error: ${bad}: truncated: no end line after 1 entries\n`);
  });
});
