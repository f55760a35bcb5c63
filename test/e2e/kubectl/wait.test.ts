import { describe, expect, it } from "vitest";
import { clusterPerFile, kubectlMissing } from "./cluster-per-file.js";

const later = (ms: number, fn: () => Promise<unknown>) => new Promise<void>((resolve, reject) => setTimeout(() => fn().then(() => resolve(), reject), ms));

describe.skipIf(kubectlMissing)("kubectl wait", () => {
  const k = clusterPerFile();

  it("`kubectl wait --for=condition` returns once the status subresource reports the condition", async () => {
    await k.ok(["create", "namespace", "cond"]);
    await k.ok(["-n", "cond", "run", "app", "--image=busybox:1.36"]);
    const waiting = k.ok(["-n", "cond", "wait", "--for=condition=Ready", "pod/app", "--timeout=20s"]);
    // What a kubelet would report once the container is up.
    await later(500, () => k.api("PATCH", "/api/v1/namespaces/cond/pods/app/status", { status: { phase: "Running", conditions: [{ type: "Ready", status: "True" }] } }, "application/merge-patch+json"));
    expect(await waiting).toBe("pod/app condition met\n");
    const timedOut = await k.cluster.kubectl(["-n", "cond", "wait", "--for=condition=Initialized", "pod/app", "--timeout=1s"]);
    expect(timedOut.code).not.toBe(0);
    expect(timedOut.stderr).toBe("error: timed out waiting for the condition on pods/app\n");
  });

  it("`kubectl wait --for=delete` returns when the object is gone, and at once for one already gone", async () => {
    await k.ok(["create", "namespace", "del"]);
    await k.ok(["-n", "del", "create", "configmap", "doomed"]);
    const waiting = k.ok(["-n", "del", "wait", "--for=delete", "configmap/doomed", "--timeout=20s"]);
    await later(500, () => k.ok(["-n", "del", "delete", "configmap", "doomed"]));
    expect(await waiting).toBe("configmap/doomed condition met\n");
    const r = await k.cluster.kubectl(["-n", "del", "wait", "--for=delete", "configmap/never", "--timeout=5s"]);
    expect(r.code).toBe(0);
  });

  it("`kubectl wait --for=jsonpath` returns once a field has the value", async () => {
    await k.ok(["create", "namespace", "jp"]);
    await k.ok(["-n", "jp", "create", "deployment", "web", "--image=nginx:1.25", "--replicas=2"]);
    const waiting = k.ok(["-n", "jp", "wait", "--for=jsonpath={.status.readyReplicas}=2", "deployment/web", "--timeout=20s"]);
    await later(500, () => k.api("PATCH", "/apis/apps/v1/namespaces/jp/deployments/web/status", { status: { replicas: 2, readyReplicas: 2, availableReplicas: 2, updatedReplicas: 2 } }, "application/merge-patch+json"));
    expect(await waiting).toBe("deployment.apps/web condition met\n");
    expect(await k.ok(["-n", "jp", "get", "deployment", "web"])).toMatch(/web\s+2\/2\s+2\s+2/);
  });
});
