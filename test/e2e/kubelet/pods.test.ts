import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startCluster, type Cluster } from "../../support/cluster.js";
import { containerdAvailable, startPrivateContainerd, type PrivateContainerd } from "../../support/containerd.js";
import { spawn } from "node:child_process";
import { startKubelet } from "./support.js";

const run = containerdAvailable();

type Json = Record<string, any>;

function pod(name: string, container: Json, spec: Json = {}): string {
  return JSON.stringify({
    apiVersion: "v1",
    kind: "Pod",
    metadata: { name, namespace: "default" },
    spec: { nodeName: "node-1", containers: [{ image: "docker.io/library/busybox:latest", imagePullPolicy: "IfNotPresent", ...container }], ...spec },
  });
}

describe.skipIf(!run)("kubelet against a private containerd", () => {
  let dir: string;
  let cluster: Cluster;
  let ctd: PrivateContainerd;
  let kubelet: Awaited<ReturnType<typeof startKubelet>>;

  const getPod = async (name: string): Promise<Json> => JSON.parse((await cluster.api("GET", `/api/v1/namespaces/default/pods/${name}`)).body);
  const waitFor = async (name: string, ok: (p: Json) => boolean, ms = 30_000): Promise<Json> => {
    const deadline = Date.now() + ms;
    let p = await getPod(name);
    while (!ok(p)) {
      if (Date.now() > deadline) throw new Error(`pod ${name} did not reach the state in ${ms} ms: ${JSON.stringify(p.status)}`);
      await new Promise((r) => setTimeout(r, 250));
      p = await getPod(name);
    }
    return p;
  };

  const kubeletOpts = () => ({ port: 0, clientCA: readFileSync(join(dir, "cluster", "pki", "ca.crt"), "utf8") });

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "kitbash-kubelet-"));
    [cluster, ctd] = await Promise.all([startCluster(join(dir, "cluster")), startPrivateContainerd(join(dir, "containerd"))]);
    kubelet = await startKubelet(cluster.kubeconfig, ctd.socket, dir, kubeletOpts());
  }, 90_000);

  afterAll(async () => {
    await kubelet?.stop();
    await ctd?.stop();
    await cluster?.stop();
    rmSync(dir, { recursive: true, force: true });
  }, 90_000);

  it("registers a Ready node with host capacity and a lease", async () => {
    const node = JSON.parse((await cluster.api("GET", "/api/v1/nodes/node-1")).body);
    expect(node.metadata.labels).toMatchObject({ "kubernetes.io/hostname": "node-1", "kubernetes.io/os": "linux" });
    expect(node.status.capacity.pods).toBe("110");
    expect(Number(node.status.capacity.cpu)).toBeGreaterThan(0);
    expect(node.status.conditions.find((c: Json) => c.type === "Ready").status).toBe("True");
    expect(node.status.nodeInfo.containerRuntimeVersion).toMatch(/^containerd:\/\//);
    const lease = JSON.parse((await cluster.api("GET", "/apis/coordination.k8s.io/v1/namespaces/kube-node-lease/leases/node-1")).body);
    expect(lease.spec).toMatchObject({ holderIdentity: "node-1", leaseDurationSeconds: 40 });
  });

  it("runs httpd from the busybox image to Running with a full status", async () => {
    expect((await cluster.api("POST", "/api/v1/namespaces/default/pods", pod("web", { name: "httpd", command: ["httpd", "-f", "-p", "80"] }))).status).toBe(201);
    const p = await waitFor("web", (p) => p.status?.phase === "Running" && p.status.conditions?.some((c: Json) => c.type === "Ready" && c.status === "True"));
    const cs = p.status.containerStatuses[0];
    expect(cs).toMatchObject({ name: "httpd", ready: true, restartCount: 0, started: true, image: "docker.io/library/busybox:latest" });
    expect(cs.state.running.startedAt).toMatch(/Z$/);
    expect(cs.containerID).toMatch(/^containerd:\/\/[0-9a-f]{64}$/);
    expect(cs.imageID).toMatch(/^sha256:/);
    expect(p.status.podIP.startsWith(ctd.subnet.split(".").slice(0, 3).join("."))).toBe(true);
    expect(p.status.podIPs).toEqual([{ ip: p.status.podIP }]);
    expect(p.status.hostIP).toBeTruthy();
    expect(p.status.startTime).toBeTruthy();
    expect(p.status.conditions.map((c: Json) => c.type).sort()).toEqual(["ContainersReady", "Initialized", "PodReadyToStartContainers", "PodScheduled", "Ready"]);
    const res = await fetch(`http://${p.status.podIP}:80/`).catch((e: Error) => e);
    // httpd answers (404 for a missing index) from inside the pod's network namespace.
    expect(res instanceof Error ? res.message : res.status).toBe(404);
  }, 60_000);

  it("backs off a container that exits 1: CrashLoopBackOff with the last exit in lastState", async () => {
    await cluster.api("POST", "/api/v1/namespaces/default/pods", pod("crash", { name: "c", command: ["sh", "-c", "echo crashing; exit 1"] }));
    const p = await waitFor("crash", (p) => p.status?.containerStatuses?.[0]?.state?.waiting?.reason === "CrashLoopBackOff");
    const cs = p.status.containerStatuses[0];
    expect(cs.restartCount).toBeGreaterThanOrEqual(1);
    expect(cs.lastState.terminated).toMatchObject({ exitCode: 1, reason: "Error" });
    expect(cs.state.waiting.message).toMatch(/^back-off 10s restarting failed container=c pod=crash_default/);
    expect(p.status.phase).toBe("Running");
    expect(cs.ready).toBe(false);
  }, 60_000);

  it("a container of restartPolicy Never that exits 0 leaves the pod Succeeded", async () => {
    await cluster.api("POST", "/api/v1/namespaces/default/pods", pod("once", { name: "c", command: ["sh", "-c", "echo $GREETING"], env: [{ name: "GREETING", value: "hi $(WHO)" }, { name: "WHO", value: "x" }] }, { restartPolicy: "Never" }));
    const p = await waitFor("once", (p) => p.status?.phase === "Succeeded");
    expect(p.status.containerStatuses[0].state.terminated).toMatchObject({ exitCode: 0, reason: "Completed" });
  }, 60_000);

  it("kubectl delete pod runs preStop, then stops within the grace period and removes the pod", async () => {
    await cluster.api(
      "POST",
      "/api/v1/namespaces/default/pods",
      pod(
        "graceful",
        {
          name: "c",
          // PID 1 without a TERM handler ignores SIGTERM, so only the SIGKILL after the grace period ends it.
          command: ["sleep", "3600"],
          lifecycle: { preStop: { exec: { command: ["sh", "-c", "echo prestop-ran > /proc/1/fd/1"] } } },
        },
        { terminationGracePeriodSeconds: 3 },
      ),
    );
    const p = await waitFor("graceful", (p) => p.status?.phase === "Running");
    const started = Date.now();
    const del = await cluster.kubectl(["delete", "pod", "graceful", "--wait=true"]);
    const took = Date.now() - started;
    expect(del.code).toBe(0);
    expect((await cluster.api("GET", "/api/v1/namespaces/default/pods/graceful")).status).toBe(404);
    // The grace period was honoured (SIGTERM is ignored, so only SIGKILL after 3 s ends it), and
    // the kill did not wait for anything longer than it (the bound leaves room for a loaded machine).
    expect(took).toBeGreaterThanOrEqual(2_500);
    expect(took).toBeLessThan(30_000);
    const logDir = join(dir, "pod-logs", `default_graceful_${p.metadata.uid}`, "c");
    expect(readFileSync(join(logDir, readdirSync(logDir)[0]!), "utf8")).toMatch(/stdout F prestop-ran/);
  }, 60_000);

  it("a restarted kubelet adopts the running containers without restarting them", async () => {
    const before = await getPod("web");
    await kubelet.stop();
    kubelet = await startKubelet(cluster.kubeconfig, ctd.socket, dir, kubeletOpts());
    await new Promise((r) => setTimeout(r, 3_000));
    const after = await getPod("web");
    expect(after.status.phase).toBe("Running");
    expect(after.status.containerStatuses[0].containerID).toBe(before.status.containerStatuses[0].containerID);
    expect(after.status.containerStatuses[0].restartCount).toBe(0);
    expect(after.status.podIP).toBe(before.status.podIP);
  }, 60_000);

  it("a readiness probe gates Ready, and a configMap volume updates in the running pod", async () => {
    const cm = (data: Json) => JSON.stringify({ apiVersion: "v1", kind: "ConfigMap", metadata: { name: "site", namespace: "default" }, data });
    expect((await cluster.api("POST", "/api/v1/namespaces/default/configmaps", cm({ "index.html": "v1" }))).status).toBe(201);
    await cluster.api(
      "POST",
      "/api/v1/namespaces/default/pods",
      pod(
        "site",
        {
          name: "httpd",
          command: ["httpd", "-f", "-p", "80", "-h", "/www"],
          volumeMounts: [{ name: "site", mountPath: "/www" }],
          readinessProbe: { httpGet: { path: "/ready", port: 80 }, periodSeconds: 1, failureThreshold: 1 },
        },
        { volumes: [{ name: "site", configMap: { name: "site" } }] },
      ),
    );
    const running = await waitFor("site", (p) => p.status?.phase === "Running");
    await new Promise((r) => setTimeout(r, 2_000));
    const unready = await getPod("site");
    expect(unready.status.containerStatuses[0].ready).toBe(false);
    expect(unready.status.conditions.find((c: Json) => c.type === "Ready").status).toBe("False");
    expect(await (await fetch(`http://${running.status.podIP}/index.html`)).text()).toBe("v1");

    const current = JSON.parse((await cluster.api("GET", "/api/v1/namespaces/default/configmaps/site")).body);
    current.data = { "index.html": "v2", ready: "ok" };
    expect((await cluster.api("PUT", "/api/v1/namespaces/default/configmaps/site", JSON.stringify(current))).status).toBe(200);
    const ready = await waitFor("site", (p) => p.status?.containerStatuses?.[0]?.ready === true);
    expect(ready.status.conditions.find((c: Json) => c.type === "Ready").status).toBe("True");
    expect(await (await fetch(`http://${running.status.podIP}/index.html`)).text()).toBe("v2");
    expect(ready.status.containerStatuses[0].restartCount).toBe(0);
  }, 60_000);

  it("a failing exec liveness probe restarts its container", async () => {
    await cluster.api(
      "POST",
      "/api/v1/namespaces/default/pods",
      pod("live", {
        name: "c",
        command: ["sh", "-c", "touch /tmp/healthy; sleep 2; rm /tmp/healthy; sleep 3600"],
        livenessProbe: { exec: { command: ["cat", "/tmp/healthy"] }, periodSeconds: 1, failureThreshold: 1 },
      }, { terminationGracePeriodSeconds: 1 }),
    );
    const p = await waitFor("live", (p) => (p.status?.containerStatuses?.[0]?.restartCount ?? 0) >= 1, 30_000);
    expect(p.status.containerStatuses[0].lastState.terminated).toBeDefined();
  }, 60_000);

  it("kubectl logs reads a container's log through the API server and its kubelet: --tail, --previous, -f", async () => {
    await cluster.api("POST", "/api/v1/namespaces/default/pods", pod("talker", { name: "c", command: ["sh", "-c", "i=0; while :; do echo line $i; i=$((i+1)); sleep 0.2; done"] }));
    await waitFor("talker", (p) => p.status?.phase === "Running");
    await new Promise((r) => setTimeout(r, 1_000));
    const all = await cluster.kubectl(["logs", "talker"]);
    expect(all.stderr).toBe("");
    expect(all.stdout.startsWith("line 0\nline 1\n")).toBe(true);
    const tail = await cluster.kubectl(["logs", "talker", "--tail=2"]);
    expect(tail.stdout.trim().split("\n")).toHaveLength(2);
    const prev = await cluster.kubectl(["logs", "crash", "--previous"]);
    expect(prev.stdout).toBe("crashing\n");
    const noPrev = await cluster.kubectl(["logs", "talker", "--previous"]);
    expect(noPrev.code).not.toBe(0);
    expect(noPrev.stderr).toMatch(/previous terminated container "c" in pod "talker" not found/);

    const follow = spawn("kubectl", ["--kubeconfig", cluster.kubeconfig, "logs", "-f", "talker", "--tail=1"]);
    let out = "";
    follow.stdout.on("data", (d) => (out += d));
    await new Promise((r) => setTimeout(r, 2_500));
    follow.kill();
    const numbers = out.trim().split("\n").map((l) => Number(l.split(" ")[1]));
    expect(numbers.length).toBeGreaterThanOrEqual(5);
    expect(numbers).toEqual([...numbers].sort((a, b) => a - b));
  }, 60_000);

  it("kubectl exec runs a command in the container through the API server, the kubelet and the runtime's streaming server", async () => {
    const out = await cluster.kubectl(["exec", "web", "--", "cat", "/etc/hostname"]);
    expect(out.stderr).toBe("");
    expect(out.stdout).toBe("web\n");
    const failed = await cluster.kubectl(["exec", "web", "--", "sh", "-c", "exit 3"]);
    expect(failed.code).toBe(3);
    const input = await cluster.kubectl(["exec", "-i", "web", "--", "cat"], { input: "through stdin\n" });
    expect(input.stdout).toBe("through stdin\n");
  }, 60_000);

  it("env from values, ConfigMaps, Secrets and the downward API; a secret volume updates in the running pod", async () => {
    const b64 = (t: string) => Buffer.from(t).toString("base64");
    await cluster.api("POST", "/api/v1/namespaces/default/configmaps", JSON.stringify({ metadata: { name: "settings" }, data: { mode: "fast", level: "3" } }));
    await cluster.api("POST", "/api/v1/namespaces/default/secrets", JSON.stringify({ metadata: { name: "creds" }, data: { password: b64("s3cret") } }));
    await cluster.api(
      "POST",
      "/api/v1/namespaces/default/pods",
      pod(
        "envy",
        {
          name: "c",
          command: ["sleep", "3600"],
          resources: { limits: { memory: "64Mi" } },
          env: [
            { name: "MODE", valueFrom: { configMapKeyRef: { name: "settings", key: "mode" } } },
            { name: "PASSWORD", valueFrom: { secretKeyRef: { name: "creds", key: "password" } } },
            { name: "POD_NAME", valueFrom: { fieldRef: { fieldPath: "metadata.name" } } },
            { name: "NODE", valueFrom: { fieldRef: { fieldPath: "spec.nodeName" } } },
            { name: "MEM_MI", valueFrom: { resourceFieldRef: { resource: "limits.memory", divisor: "1Mi" } } },
            { name: "GREETING", value: "hello $(POD_NAME)" },
          ],
          envFrom: [{ prefix: "CFG_", configMapRef: { name: "settings" } }],
          volumeMounts: [
            { name: "creds", mountPath: "/creds" },
            { name: "scratch", mountPath: "/scratch" },
          ],
        },
        { terminationGracePeriodSeconds: 1, volumes: [{ name: "creds", secret: { secretName: "creds" } }, { name: "scratch", emptyDir: {} }] },
      ),
    );
    await waitFor("envy", (p) => p.status?.phase === "Running");
    const env = (await cluster.kubectl(["exec", "envy", "--", "env"])).stdout.split("\n");
    for (const line of ["MODE=fast", "PASSWORD=s3cret", "POD_NAME=envy", "NODE=node-1", "MEM_MI=64", "GREETING=hello envy", "CFG_mode=fast", "CFG_level=3"]) expect(env).toContain(line);
    expect((await cluster.kubectl(["exec", "envy", "--", "cat", "/creds/password"])).stdout).toBe("s3cret");
    expect((await cluster.kubectl(["exec", "envy", "--", "sh", "-c", "echo x > /scratch/f && cat /scratch/f"])).stdout).toBe("x\n");

    const secret = JSON.parse((await cluster.api("GET", "/api/v1/namespaces/default/secrets/creds")).body);
    secret.data = { password: b64("rotated") };
    expect((await cluster.api("PUT", "/api/v1/namespaces/default/secrets/creds", JSON.stringify(secret))).status).toBe(200);
    const deadline = Date.now() + 15_000;
    let seen = "";
    while (Date.now() < deadline && seen !== "rotated") {
      await new Promise((r) => setTimeout(r, 500));
      seen = (await cluster.kubectl(["exec", "envy", "--", "cat", "/creds/password"])).stdout;
    }
    expect(seen).toBe("rotated");
  }, 60_000);

  it("an image that cannot be pulled shows ErrImagePull, then ImagePullBackOff", async () => {
    // A registry on a closed local port refuses at once, with nothing reached over the network.
    // Every status the pod goes through, from a watch the server closes after 6 s.
    const watched = cluster.api("GET", "/api/v1/namespaces/default/pods?watch=1&timeoutSeconds=6&fieldSelector=metadata.name%3Dnopull");
    await new Promise((r) => setTimeout(r, 300));
    await cluster.api("POST", "/api/v1/namespaces/default/pods", pod("nopull", { name: "c", image: "127.0.0.1:1/missing:1.0", imagePullPolicy: "IfNotPresent" }));
    const reasons = (await watched).body
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l).object.status?.containerStatuses?.[0]?.state?.waiting)
      .filter(Boolean);
    const pullError = reasons.find((w: Json) => w.reason === "ErrImagePull");
    expect(pullError?.message).toMatch(/127\.0\.0\.1:1\/missing:1\.0/);
    const backOff = reasons.findIndex((w: Json) => w.reason === "ImagePullBackOff");
    expect(backOff).toBeGreaterThan(reasons.indexOf(pullError));
    expect(reasons[backOff].message).toBe('Back-off pulling image "127.0.0.1:1/missing:1.0"');
    expect((await getPod("nopull")).status.phase).toBe("Pending");
  }, 60_000);
});
