import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startCluster, type Cluster } from "../../support/cluster.js";
import { X509Certificate } from "node:crypto";
import { readFileSync } from "node:fs";
import { KubeClient, Resources, isNotFound, loadKubeconfig, type KubeObject, type Lease, type OwnerReference, type ResourceClient } from "../../../core/client/index.js";
import { until } from "../../support/until.js";

let cluster: Cluster;
let client: KubeClient;
const dataDir = mkdtempSync(join(tmpdir(), "kitbash-controllers-"));

beforeAll(async () => {
  cluster = await startCluster(dataDir);
  client = await KubeClient.fromKubeconfig(cluster.kubeconfig);
});

afterAll(async () => {
  client?.close();
  await cluster?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});


const exists = async (rc: ResourceClient, name: string) => rc.get(name).then(() => true, (err) => (isNotFound(err) ? false : Promise.reject(err)));
const ownerRef = (o: KubeObject, block = false): OwnerReference => ({ apiVersion: o.apiVersion!, kind: o.kind!, name: o.metadata.name!, uid: o.metadata.uid!, ...(block ? { blockOwnerDeletion: true } : {}) });

async function namespace(name: string) {
  await client.resource(Resources.namespaces).create({ apiVersion: "v1", kind: "Namespace", metadata: { name } });
}

describe("the controller manager in kitbash up", () => {
  it("works as system:kube-controller-manager with a certificate from the cluster CA, written as its own kubeconfig", async () => {
    const config = await loadKubeconfig(join(dataDir, "controller-manager.kubeconfig"));
    const cert = new X509Certificate(config.cert!);
    expect(cert.subject).toBe("CN=system:kube-controller-manager");
    expect(cert.checkIssued(new X509Certificate(readFileSync(join(dataDir, "pki", "ca.crt"))))).toBe(true);
    expect(config.server).toBe(cluster.url);
  });

  it("holds the kube-controller-manager Lease and reports upstream's workqueue metrics per controller", async () => {
    const lease = await until("lease", () => client.resource<Lease>(Resources.leases, "kube-system").get("kube-controller-manager").catch(() => undefined));
    expect(lease.spec).toMatchObject({ leaseDurationSeconds: 15 });
    expect(lease.spec?.holderIdentity).toBeTruthy();
    await namespace("metrics-probe");
    // The API server of this process serves the process's registry, the controller manager's included.
    const text = await until("namespace queue metrics", async () => {
      const r = await cluster.api("GET", "/metrics");
      return /workqueue_work_duration_seconds_count\{name="serviceaccount"\} [1-9]/.test(r.body) && r.body;
    });
    for (const m of ["workqueue_adds_total", "workqueue_depth", "workqueue_queue_duration_seconds_bucket", "workqueue_work_duration_seconds_bucket", "workqueue_retries_total"]) {
      expect(text).toMatch(new RegExp(`^${m}\\{[^}]*name="serviceaccount"`, "m"));
    }
    expect(text).toMatch(/^leader_election_master_status\{name="kube-controller-manager"\} 1$/m);
  });
});

describe("serviceaccount controller", () => {
  it("creates the default ServiceAccount in a new namespace, and again after it is deleted", async () => {
    await namespace("sa-test");
    const sas = client.resource(Resources.serviceAccounts, "sa-test");
    const first = await until("default SA", () => sas.get("default").catch(() => undefined));
    await sas.delete("default");
    const second = await until("default SA recreated", () => sas.get("default").then((sa) => sa.metadata.uid !== first.metadata.uid && sa, () => undefined));
    expect(second.metadata.name).toBe("default");
  });
});

describe("namespace controller", () => {
  it("deleting a namespace deletes everything in it, then the namespace", async () => {
    await namespace("doomed");
    const cms = client.resource(Resources.configMaps, "doomed");
    const secrets = client.resource(Resources.secrets, "doomed");
    for (let i = 0; i < 3; i++) await cms.create({ apiVersion: "v1", kind: "ConfigMap", metadata: { name: `cm-${i}` } });
    await secrets.create({ apiVersion: "v1", kind: "Secret", metadata: { name: "s" }, stringData: { a: "b" } } as KubeObject);
    await client.resource(Resources.deployments, "doomed").create({
      apiVersion: "apps/v1",
      kind: "Deployment",
      metadata: { name: "d" },
      spec: { selector: { matchLabels: { a: "b" } }, template: { metadata: { labels: { a: "b" } }, spec: { containers: [{ name: "c", image: "busybox" }] } } },
    } as KubeObject);
    const nss = client.resource(Resources.namespaces);
    await nss.delete("doomed");
    await until("namespace gone", async () => !(await exists(nss, "doomed")));
    // The content went with it: nothing of the old namespace is listed cluster-wide.
    const left = await client.resource(Resources.configMaps).list({ fieldSelector: "metadata.namespace=doomed" });
    expect(left.items).toEqual([]);
    expect((await client.resource(Resources.deployments).list({ fieldSelector: "metadata.namespace=doomed" })).items).toEqual([]);
  });

  it("waits for content held by a finalizer, reporting it in the namespace's conditions", async () => {
    await namespace("held");
    const cms = client.resource(Resources.configMaps, "held");
    await cms.create({ apiVersion: "v1", kind: "ConfigMap", metadata: { name: "kept", finalizers: ["example.com/hold"] } });
    const nss = client.resource<KubeObject & { status?: { phase?: string; conditions?: { type: string; status: string; reason: string; message: string }[] } }>(Resources.namespaces);
    await nss.delete("held");
    const ns = await until("finalizer condition", async () => {
      const n = await nss.get("held");
      return n.status?.conditions?.some((c) => c.type === "NamespaceFinalizersRemaining" && c.status === "True") && n;
    });
    expect(ns.status?.phase).toBe("Terminating");
    expect(ns.status?.conditions?.find((c) => c.type === "NamespaceFinalizersRemaining")).toMatchObject({
      reason: "SomeFinalizersRemain",
      message: "Some content in the namespace has finalizers remaining: example.com/hold in 1 resource instances",
    });
    expect(ns.status?.conditions?.find((c) => c.type === "NamespaceContentRemaining")).toMatchObject({ status: "True", reason: "SomeResourcesRemain", message: "Some resources are remaining: configmaps. has 1 resource instances" });
    expect(await exists(nss, "held")).toBe(true);
    await cms.patch("kept", "merge", { metadata: { finalizers: null } });
    await until("namespace gone", async () => !(await exists(nss, "held")));
  });
});

describe("garbage collector", () => {
  const ns = "gc";
  let cms: ResourceClient;
  beforeAll(async () => {
    await namespace(ns);
    cms = client.resource(Resources.configMaps, ns);
  });

  async function ownerWithDependents(name: string, n: number, opts: { block?: boolean; dependentFinalizer?: string } = {}) {
    const owner = await cms.create({ apiVersion: "v1", kind: "ConfigMap", metadata: { name } });
    const deps: KubeObject[] = [];
    for (let i = 0; i < n; i++) {
      deps.push(
        await cms.create({
          apiVersion: "v1",
          kind: "ConfigMap",
          metadata: { name: `${name}-dep-${i}`, ownerReferences: [ownerRef(owner, opts.block)], ...(opts.dependentFinalizer ? { finalizers: [opts.dependentFinalizer] } : {}) },
        }),
      );
    }
    return { owner, deps };
  }

  it("background: dependents of a deleted owner are deleted", async () => {
    const { deps } = await ownerWithDependents("bg", 3);
    await cms.delete("bg", { propagationPolicy: "Background" });
    for (const d of deps) await until(`${d.metadata.name} gone`, async () => !(await exists(cms, d.metadata.name!)));
  });

  it("a dependent with another owner still standing keeps living, losing only the reference to the gone owner", async () => {
    const a = await cms.create({ apiVersion: "v1", kind: "ConfigMap", metadata: { name: "owner-a" } });
    const b = await cms.create({ apiVersion: "v1", kind: "ConfigMap", metadata: { name: "owner-b" } });
    await cms.create({ apiVersion: "v1", kind: "ConfigMap", metadata: { name: "two-owners", ownerReferences: [ownerRef(a), ownerRef(b)] } });
    await cms.delete("owner-a");
    const dep = await until("reference to owner-a removed", async () => {
      const d = await cms.get("two-owners");
      return d.metadata.ownerReferences?.length === 1 && d;
    });
    expect(dep.metadata.ownerReferences?.[0]?.uid).toBe(b.metadata.uid);
  });

  it("foreground: the owner stays, marked for deletion, until its blocking dependents are gone", async () => {
    const { deps } = await ownerWithDependents("fg", 2, { block: true, dependentFinalizer: "example.com/hold" });
    await cms.delete("fg", { propagationPolicy: "Foreground" });
    // The dependents get deleted but their finalizer holds them; the owner must wait.
    for (const d of deps) await until(`${d.metadata.name} marked`, async () => !!(await cms.get(d.metadata.name!)).metadata.deletionTimestamp);
    await new Promise((r) => setTimeout(r, 500));
    const owner = await cms.get("fg");
    expect(owner.metadata.deletionTimestamp).toBeTruthy();
    expect(owner.metadata.finalizers).toContain("foregroundDeletion");
    for (const d of deps) await cms.patch(d.metadata.name!, "merge", { metadata: { finalizers: null } });
    await until("owner gone", async () => !(await exists(cms, "fg")));
  });

  it("orphan: dependents lose their owner reference and stay; the owner goes", async () => {
    const { deps } = await ownerWithDependents("orph", 2);
    await cms.delete("orph", { propagationPolicy: "Orphan" });
    await until("owner gone", async () => !(await exists(cms, "orph")));
    for (const d of deps) {
      const now = await cms.get(d.metadata.name!);
      expect(now.metadata.uid).toBe(d.metadata.uid);
      expect(now.metadata.ownerReferences ?? []).toEqual([]);
    }
  });

  it("deletes a dependent created after its owner was already gone", async () => {
    await cms.create({ apiVersion: "v1", kind: "ConfigMap", metadata: { name: "late", ownerReferences: [{ apiVersion: "v1", kind: "ConfigMap", name: "never-was", uid: "00000000-0000-0000-0000-000000000001" }] } });
    await until("late dependent gone", async () => !(await exists(cms, "late")));
  });
});
