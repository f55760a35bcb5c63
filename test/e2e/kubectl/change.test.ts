import { describe, expect, it } from "vitest";
import { clusterPerFile, kubectlMissing } from "./cluster-per-file.js";

describe.skipIf(kubectlMissing)("kubectl patch, label, annotate, scale and set image", () => {
  const k = clusterPerFile();
  const json = async (args: string[]) => JSON.parse(await k.ok([...args, "-o", "json"]));

  it("`kubectl patch --type=strategic` merges containers by name, keeping the ones it does not mention", async () => {
    await k.ok(["create", "namespace", "smp"]);
    await k.ok(["-n", "smp", "create", "deployment", "web", "--image=nginx:1.25"]);
    await k.ok(["-n", "smp", "patch", "deployment", "web", "--type=strategic", "-p", '{"spec":{"template":{"spec":{"containers":[{"name":"sidecar","image":"busybox:1.36"}]}}}}']);
    expect(await k.ok(["-n", "smp", "patch", "deployment", "web", "-p", '{"spec":{"template":{"spec":{"containers":[{"name":"nginx","image":"nginx:1.26"}]}}}}'])).toBe("deployment.apps/web patched\n");
    const d = await json(["-n", "smp", "get", "deployment", "web"]);
    expect(d.spec.template.spec.containers.map((c: any) => `${c.name}=${c.image}`)).toEqual(["nginx=nginx:1.26", "sidecar=busybox:1.36"]);
    const same = await k.ok(["-n", "smp", "patch", "deployment", "web", "-p", '{"spec":{"replicas":1}}']);
    expect(same).toBe("deployment.apps/web patched (no change)\n");
  });

  it("`kubectl patch --type=merge` replaces lists whole and removes keys set to null", async () => {
    await k.ok(["create", "namespace", "merge"]);
    await k.ok(["-n", "merge", "create", "configmap", "app", "--from-literal=a=1", "--from-literal=b=2"]);
    await k.ok(["-n", "merge", "patch", "configmap", "app", "--type=merge", "-p", '{"data":{"a":null,"c":"3"}}']);
    expect((await json(["-n", "merge", "get", "configmap", "app"])).data).toEqual({ b: "2", c: "3" });
    await k.ok(["-n", "merge", "create", "deployment", "web", "--image=nginx:1.25"]);
    await k.ok(["-n", "merge", "patch", "deployment", "web", "--type=merge", "-p", '{"spec":{"template":{"spec":{"containers":[{"name":"only","image":"busybox:1.36"}]}}}}']);
    expect((await json(["-n", "merge", "get", "deployment", "web"])).spec.template.spec.containers.map((c: any) => c.name)).toEqual(["only"]);
  });

  it("`kubectl patch --type=json` applies RFC 6902 operations and refuses a failing test operation", async () => {
    await k.ok(["create", "namespace", "jsonpatch"]);
    await k.ok(["-n", "jsonpatch", "create", "configmap", "app", "--from-literal=a=1"]);
    await k.ok(["-n", "jsonpatch", "patch", "configmap", "app", "--type=json", "-p", '[{"op":"add","path":"/data/b","value":"2"},{"op":"replace","path":"/data/a","value":"10"},{"op":"copy","from":"/data/b","path":"/data/c"}]']);
    expect((await json(["-n", "jsonpatch", "get", "configmap", "app"])).data).toEqual({ a: "10", b: "2", c: "2" });
    const err = await k.fails(["-n", "jsonpatch", "patch", "configmap", "app", "--type=json", "-p", '[{"op":"test","path":"/data/a","value":"1"},{"op":"remove","path":"/data/a"}]']);
    expect(err).toBe("The request is invalid: : test failed at /data/a\n");
    expect((await json(["-n", "jsonpatch", "get", "configmap", "app"])).data.a).toBe("10");
  });

  it("`kubectl label` adds, overwrites only with --overwrite, and removes labels", async () => {
    await k.ok(["create", "namespace", "labels"]);
    await k.ok(["-n", "labels", "create", "configmap", "app"]);
    expect(await k.ok(["-n", "labels", "label", "configmap", "app", "tier=web", "env=dev"])).toBe("configmap/app labeled\n");
    const refused = await k.fails(["-n", "labels", "label", "configmap", "app", "env=prod"]);
    expect(refused).toContain("'env' already has a value (dev), and --overwrite is false");
    await k.ok(["-n", "labels", "label", "configmap", "app", "env=prod", "--overwrite"]);
    await k.ok(["-n", "labels", "label", "configmap", "app", "tier-"]);
    expect((await json(["-n", "labels", "get", "configmap", "app"])).metadata.labels).toEqual({ env: "prod" });
  });

  it("`kubectl annotate` adds and removes annotations", async () => {
    await k.ok(["create", "namespace", "notes"]);
    await k.ok(["-n", "notes", "create", "configmap", "app"]);
    expect(await k.ok(["-n", "notes", "annotate", "configmap", "app", "owner=team-a", "ticket=OPS-1"])).toBe("configmap/app annotated\n");
    await k.ok(["-n", "notes", "annotate", "configmap", "app", "ticket-"]);
    expect((await json(["-n", "notes", "get", "configmap", "app"])).metadata.annotations).toEqual({ owner: "team-a" });
  });

  it("`kubectl scale` sets replicas through the scale subresource and honours --current-replicas", async () => {
    await k.ok(["create", "namespace", "scale"]);
    await k.ok(["-n", "scale", "create", "deployment", "web", "--image=nginx:1.25", "--replicas=2"]);
    expect(await k.ok(["-n", "scale", "scale", "deployment", "web", "--replicas=5"])).toBe("deployment.apps/web scaled\n");
    expect(await k.ok(["-n", "scale", "get", "deployment", "web", "-o", "jsonpath={.spec.replicas}"])).toBe("5");
    const stale = await k.fails(["-n", "scale", "scale", "deployment", "web", "--current-replicas=2", "--replicas=1"]);
    expect(stale).toContain("Expected replicas to be 2, was 5");
    const scale = JSON.parse((await k.cluster.api("GET", "/apis/apps/v1/namespaces/scale/deployments/web/scale")).body);
    expect(scale).toMatchObject({ kind: "Scale", apiVersion: "autoscaling/v1", spec: { replicas: 5 }, status: { selector: "app=web" } });
  });

  it("`kubectl set image` changes the named container's image", async () => {
    await k.ok(["create", "namespace", "images"]);
    await k.ok(["-n", "images", "create", "deployment", "web", "--image=nginx:1.25"]);
    expect(await k.ok(["-n", "images", "set", "image", "deployment/web", "nginx=nginx:1.27"])).toBe("deployment.apps/web image updated\n");
    const d = await json(["-n", "images", "get", "deployment", "web"]);
    expect(d.spec.template.spec.containers[0].image).toBe("nginx:1.27");
    expect(d.metadata.generation).toBe(2);
    const missing = await k.fails(["-n", "images", "set", "image", "deployment/web", "nope=busybox"]);
    expect(missing).toContain('unable to find container named "nope"');
  });
});
