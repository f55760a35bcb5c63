import { describe, expect, it } from "vitest";
import { clusterPerFile, kubectlMissing } from "../kubectl/cluster-per-file.js";

/** The default admission chain of the control-plane profile, seen through the real kubectl. */
describe.skipIf(kubectlMissing)("built-in admission plugins with the real kubectl", () => {
  const k = clusterPerFile();
  const podJson = async (name: string, ns = "default") => JSON.parse(await k.ok(["get", "pod", name, "-n", ns, "-o", "json"]));

  it("a new pod runs as `default` with upstream's projected token volume and 300 s tolerations", async () => {
    await k.ok(["run", "plain", "--image=nginx"]);
    const pod = await podJson("plain");
    expect(pod.spec.serviceAccountName).toBe("default");
    const volume = pod.spec.volumes.find((v: any) => v.name.startsWith("kube-api-access-"));
    expect(volume.name).toMatch(/^kube-api-access-[bcdfghjklmnpqrstvwxz2456789]{5}$/);
    expect(volume.projected).toEqual({
      sources: [
        { serviceAccountToken: { expirationSeconds: 3607, path: "token" } },
        { configMap: { name: "kube-root-ca.crt", items: [{ key: "ca.crt", path: "ca.crt" }] } },
        { downwardAPI: { items: [{ path: "namespace", fieldRef: { apiVersion: "v1", fieldPath: "metadata.namespace" } }] } },
      ],
      defaultMode: 420,
    });
    expect(pod.spec.containers[0].volumeMounts).toEqual([{ name: volume.name, readOnly: true, mountPath: "/var/run/secrets/kubernetes.io/serviceaccount" }]);
    expect(pod.spec.tolerations).toEqual([
      { key: "node.kubernetes.io/not-ready", operator: "Exists", effect: "NoExecute", tolerationSeconds: 300 },
      { key: "node.kubernetes.io/unreachable", operator: "Exists", effect: "NoExecute", tolerationSeconds: 300 },
    ]);
    expect(pod.spec.priority).toBe(0);
  });

  it("a missing service account refuses the pod; automountServiceAccountToken: false mounts nothing", async () => {
    const err = await k.fails(["run", "ghost", "--image=nginx", "--overrides", '{"spec":{"serviceAccountName":"nobody"}}']);
    expect(err).toBe('Error from server (Forbidden): pods "ghost" is forbidden: error looking up service account default/nobody: serviceaccount "nobody" not found\n');
    await k.ok(["run", "quiet", "--image=nginx", "--overrides", '{"spec":{"automountServiceAccountToken":false}}']);
    const pod = await podJson("quiet");
    expect(pod.spec.volumes).toBeUndefined();
    expect(pod.spec.containers[0].volumeMounts).toBeUndefined();
  });

  it("Priority resolves a class and the built-in system classes, and refuses an unknown one", async () => {
    await k.ok(["create", "priorityclass", "high", "--value=1000", "--preemption-policy=Never"]);
    await k.ok(["run", "important", "--image=nginx", "--overrides", '{"spec":{"priorityClassName":"high"}}']);
    expect(await k.ok(["get", "pod", "important", "-o", "jsonpath={.spec.priority} {.spec.preemptionPolicy}"])).toBe("1000 Never");
    await k.ok(["run", "critical", "--image=nginx", "--overrides", '{"spec":{"priorityClassName":"system-node-critical"}}']);
    expect(await k.ok(["get", "pod", "critical", "-o", "jsonpath={.spec.priority}"])).toBe("2000001000");
    const err = await k.fails(["run", "nope", "--image=nginx", "--overrides", '{"spec":{"priorityClassName":"missing"}}']);
    expect(err).toBe('Error from server (Forbidden): pods "nope" is forbidden: no PriorityClass with name missing was found\n');
  });

  it("LimitRanger fills in defaults, annotates the pod, and refuses what breaks max", async () => {
    await k.ok(["create", "namespace", "limited"]);
    const lr = k.manifest("lr.yaml", `apiVersion: v1
kind: LimitRange
metadata: {name: limits, namespace: limited}
spec:
  limits:
    - type: Container
      default: {cpu: 500m, memory: 256Mi}
      defaultRequest: {cpu: 100m, memory: 128Mi}
      max: {cpu: "1"}
`);
    await k.ok(["apply", "-f", lr]);
    await k.ok(["run", "defaulted", "-n", "limited", "--image=nginx"]);
    const pod = await podJson("defaulted", "limited");
    expect(pod.spec.containers[0].resources).toEqual({ limits: { cpu: "500m", memory: "256Mi" }, requests: { cpu: "100m", memory: "128Mi" } });
    expect(pod.metadata.annotations["kubernetes.io/limit-ranger"]).toBe("LimitRanger plugin set: cpu, memory request for container defaulted; cpu, memory limit for container defaulted");
    const err = await k.fails(["run", "greedy", "-n", "limited", "--image=nginx", "--overrides", '{"spec":{"containers":[{"name":"greedy","image":"nginx","resources":{"limits":{"cpu":"2"}}}]}}']);
    expect(err).toBe('Error from server (Forbidden): pods "greedy" is forbidden: maximum cpu usage per Container is 1, but limit is 2\n');
  });

  it("ResourceQuota counts what exists and refuses the create that would exceed it", async () => {
    await k.ok(["create", "namespace", "quoted"]);
    await k.ok(["create", "quota", "small", "-n", "quoted", "--hard=pods=1,configmaps=5"]);
    // The controller fills in the new quota's status; until then creates answer "status unknown".
    await waitFor(async () => (await k.ok(["get", "quota", "small", "-n", "quoted", "-o", "jsonpath={.status.used.pods}"])) === "0");
    await k.ok(["run", "first", "-n", "quoted", "--image=nginx"]);
    const err = await k.fails(["run", "second", "-n", "quoted", "--image=nginx"]);
    expect(err).toBe('Error from server (Forbidden): pods "second" is forbidden: exceeded quota: small, requested: pods=1, used: pods=1, limited: pods=1\n');
    // --force prints upstream's "Immediate deletion" warning, so only the exit code is asserted.
    expect((await k.cluster.kubectl(["delete", "pod", "first", "-n", "quoted", "--grace-period=0", "--force"])).code).toBe(0);
    await waitFor(async () => (await k.ok(["get", "quota", "small", "-n", "quoted", "-o", "jsonpath={.status.used.pods}"])) === "0");
    await k.ok(["run", "second", "-n", "quoted", "--image=nginx"]);
  });

  it("NamespaceLifecycle keeps the system namespaces", async () => {
    const err = await k.fails(["delete", "namespace", "kube-system"]);
    expect(err).toBe('Error from server (Forbidden): namespaces "kube-system" is forbidden: this namespace may not be deleted\n');
  });
});

async function waitFor(check: () => Promise<boolean>, ms = 15_000): Promise<void> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error("condition not met in time");
}
