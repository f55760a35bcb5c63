import { describe, expect, it } from "vitest";
import { clusterPerFile, kubectlMissing, table } from "./cluster-per-file.js";

describe.skipIf(kubectlMissing)("kubectl cordon, taint and drain", () => {
  const k = clusterPerFile();
  const node = (name: string) => k.api("POST", "/api/v1/nodes", { metadata: { name, labels: { "kubernetes.io/hostname": name } } });

  it("`kubectl cordon` marks a node unschedulable and `kubectl uncordon` clears it", async () => {
    await node("c1");
    expect(await k.ok(["cordon", "c1"])).toBe("node/c1 cordoned\n");
    expect(table(await k.ok(["get", "node", "c1"]))[1]!.slice(0, 2)).toEqual(["c1", "Unknown,SchedulingDisabled"]);
    expect(await k.ok(["get", "nodes", "--field-selector", "spec.unschedulable=true", "-o", "name"])).toBe("node/c1\n");
    expect(await k.ok(["uncordon", "c1"])).toBe("node/c1 uncordoned\n");
    expect(await k.ok(["get", "node", "c1", "-o", "jsonpath={.spec.unschedulable}"])).toBe("");
  });

  it("`kubectl taint` adds and removes taints", async () => {
    await node("t1");
    expect(await k.ok(["taint", "node", "t1", "dedicated=gpu:NoSchedule"])).toBe("node/t1 tainted\n");
    expect(JSON.parse(await k.ok(["get", "node", "t1", "-o", "jsonpath={.spec.taints}"]))).toEqual([{ key: "dedicated", value: "gpu", effect: "NoSchedule" }]);
    expect(await k.ok(["taint", "node", "t1", "dedicated-"])).toBe("node/t1 untainted\n");
    expect(await k.ok(["get", "node", "t1", "-o", "jsonpath={.spec.taints}"])).toBe("");
  });

  it("`kubectl drain` cordons the node and evicts its pods through the eviction subresource", async () => {
    await node("d1");
    await node("d2");
    await k.ok(["run", "on-d1", "--image=busybox:1.36", "--overrides", JSON.stringify({ spec: { nodeName: "d1" } })]);
    await k.ok(["run", "elsewhere", "--image=busybox:1.36", "--overrides", JSON.stringify({ spec: { nodeName: "d2" } })]);
    const r = await k.cluster.kubectl(["drain", "d1", "--force", "--grace-period=0", "--timeout=20s", "-v=6"]);
    expect(r.stdout).toContain("node/d1 cordoned\n");
    expect(r.stdout).toContain("pod/on-d1 evicted\n");
    expect(r.stdout).toContain("node/d1 drained\n");
    expect(r.stderr).toMatch(/POST https:\/\/\S+\/api\/v1\/namespaces\/default\/pods\/on-d1\/eviction 201 Created/);
    expect(await k.ok(["get", "pods", "-o", "name"])).toBe("pod/elsewhere\n");
  });
});
