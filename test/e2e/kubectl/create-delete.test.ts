import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { clusterPerFile, kubectlMissing } from "./cluster-per-file.js";

describe.skipIf(kubectlMissing)("kubectl create, run, expose and delete", () => {
  const k = clusterPerFile();
  const json = async (args: string[]) => JSON.parse(await k.ok([...args, "-o", "json"]));

  it("`kubectl create namespace` makes an Active namespace labelled with its name", async () => {
    expect(await k.ok(["create", "namespace", "team-a"])).toBe("namespace/team-a created\n");
    const ns = await json(["get", "namespace", "team-a"]);
    expect(ns.status.phase).toBe("Active");
    expect(ns.metadata.labels).toEqual({ "kubernetes.io/metadata.name": "team-a" });
    expect(ns.spec.finalizers).toEqual(["kubernetes"]);
    expect(await k.fails(["create", "namespace", "team-a"])).toBe('Error from server (AlreadyExists): namespaces "team-a" already exists\n');
    await k.ok(["apply", "-f", k.manifest("ns.yaml", "apiVersion: v1\nkind: Namespace\nmetadata: {name: team-b}\nspec: {finalizers: [example.com/cleanup]}\n")]);
    expect(JSON.parse(await k.ok(["get", "namespace", "team-b", "-o", "jsonpath={.spec.finalizers}"]))).toEqual(["example.com/cleanup", "kubernetes"]);
  });

  it("`kubectl create configmap` stores literals and files", async () => {
    const file = k.manifest("app.properties", "mode=fast\n");
    expect(await k.ok(["create", "configmap", "settings", "--from-literal=color=blue", `--from-file=${file}`])).toBe("configmap/settings created\n");
    expect((await json(["get", "configmap", "settings"])).data).toEqual({ color: "blue", "app.properties": "mode=fast\n" });
  });

  it("`kubectl create secret` stores generic and docker-registry secrets base64-encoded, each with its type and the keys that type needs", async () => {
    await k.ok(["create", "secret", "generic", "db", "--from-literal=password=s3cret"]);
    const db = await json(["get", "secret", "db"]);
    expect(db.type).toBe("Opaque");
    expect(Buffer.from(db.data.password, "base64").toString()).toBe("s3cret");
    await k.ok(["create", "secret", "docker-registry", "pull", "--docker-server=registry.local", "--docker-username=u", "--docker-password=p"]);
    const pull = await json(["get", "secret", "pull"]);
    expect(pull.type).toBe("kubernetes.io/dockerconfigjson");
    expect(JSON.parse(Buffer.from(pull.data[".dockerconfigjson"], "base64").toString()).auths["registry.local"].username).toBe("u");
    const tls = await k.fails(["create", "secret", "generic", "half-tls", "--type=kubernetes.io/tls", "--from-literal=tls.crt=x"]);
    expect(tls).toBe('error: failed to create secret Secret "half-tls" is invalid: data[tls.key]: Required value\n');
  });

  it("`kubectl create deployment` makes a deployment with upstream's defaults", async () => {
    expect(await k.ok(["create", "deployment", "web", "--image=nginx:1.25", "--replicas=2", "--port=80"])).toBe("deployment.apps/web created\n");
    const d = parse(await k.ok(["get", "deployment", "web", "-o", "yaml"]));
    expect(d.spec).toMatchObject({
      replicas: 2,
      selector: { matchLabels: { app: "web" } },
      strategy: { type: "RollingUpdate", rollingUpdate: { maxSurge: "25%", maxUnavailable: "25%" } },
      revisionHistoryLimit: 10,
      progressDeadlineSeconds: 600,
    });
    expect(d.spec.template.spec).toMatchObject({ restartPolicy: "Always", dnsPolicy: "ClusterFirst", schedulerName: "default-scheduler", terminationGracePeriodSeconds: 30 });
    // kubectl's protobuf body carries Go's zero values; the stored object reads as upstream's JSON, without them.
    for (const [path, field] of [[d.spec, "paused"], [d.spec, "minReadySeconds"], [d.spec.template.metadata, "generation"], [d.spec.template.spec, "hostNetwork"], [d.spec.template.spec.containers[0], "stdin"]] as const) {
      expect(Object.keys(path)).not.toContain(field);
    }
    // Pod-only defaults (service links, admission's priority) stay off the template.
    expect(Object.keys(d.spec.template.spec)).not.toContain("enableServiceLinks");
    expect(Object.keys(d.spec.template.spec)).not.toContain("priority");
    expect(d.spec.template.spec.containers[0]).toMatchObject({ name: "nginx", image: "nginx:1.25", imagePullPolicy: "IfNotPresent", ports: [{ containerPort: 80, protocol: "TCP" }] });
  });

  it("`kubectl create service clusterip` allocates a cluster IP and selects by app label", async () => {
    expect(await k.ok(["create", "service", "clusterip", "api", "--tcp=80:8080"])).toBe("service/api created\n");
    const s = await json(["get", "service", "api"]);
    expect(s.spec).toMatchObject({ type: "ClusterIP", selector: { app: "api" }, ports: [{ name: "80-8080", port: 80, targetPort: 8080, protocol: "TCP" }], sessionAffinity: "None" });
    expect(s.spec.clusterIP).toMatch(/^10\.96\.\d+\.\d+$/);
    expect(s.spec.clusterIPs).toEqual([s.spec.clusterIP]);
    const headless = await json(["create", "service", "clusterip", "peers", "--clusterip=None", "--dry-run=server"]);
    expect(headless.spec.clusterIP).toBe("None");
    expect((await k.cluster.kubectl(["get", "service", "peers"])).code).not.toBe(0);
  });

  it("`kubectl create ingress` stores its rules, whose protobuf form embeds the HTTP rule value", async () => {
    expect(await k.ok(["create", "ingress", "site", "--class=nginx", "--rule=shop.example/api*=api:80"])).toBe("ingress.networking.k8s.io/site created\n");
    const ing = await json(["get", "ingress", "site"]);
    expect(ing.spec).toEqual({ ingressClassName: "nginx", rules: [{ host: "shop.example", http: { paths: [{ path: "/api", pathType: "Prefix", backend: { service: { name: "api", port: { number: 80 } } } }] } }] });
  });

  it("`kubectl run` makes a pod labelled run=NAME with the command's arguments", async () => {
    expect(await k.ok(["run", "shell", "--image=busybox:1.36", "--env=MODE=test", "--port=8080", "--", "sleep", "3600"])).toBe("pod/shell created\n");
    const p = await json(["get", "pod", "shell"]);
    expect(p.metadata.labels).toEqual({ run: "shell" });
    expect(p.spec.containers[0]).toMatchObject({ name: "shell", image: "busybox:1.36", args: ["sleep", "3600"], env: [{ name: "MODE", value: "test" }], ports: [{ containerPort: 8080, protocol: "TCP" }] });
    expect(p.spec).toMatchObject({ restartPolicy: "Always", enableServiceLinks: true, priority: 0, preemptionPolicy: "PreemptLowerPriority" });
    expect(p.status.phase).toBe("Pending");
    expect(p.status.qosClass).toBe("BestEffort");
    expect(await k.fails(["run", "badport", "--image=busybox:1.36", "--port=70000"])).toContain("spec.containers[0].ports[0].containerPort: Invalid value: 70000: must be between 1 and 65535, inclusive");
  });

  it("`kubectl debug` adds an ephemeral container through its subresource, and it stays", async () => {
    await k.ok(["run", "patient", "--image=busybox:1.36"]);
    const r = await k.cluster.kubectl(["debug", "patient", "--image=busybox:1.36", "--container=doctor", "--profile=general"]);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe("");
    const pod = await json(["get", "pod", "patient"]);
    expect(pod.spec.ephemeralContainers).toMatchObject([{ name: "doctor", image: "busybox:1.36", imagePullPolicy: "IfNotPresent", terminationMessagePolicy: "File" }]);
    expect(pod.spec.containers.map((c: any) => c.name)).toEqual(["patient"]);
    expect(await k.ok(["describe", "pod", "patient"])).toMatch(/^Ephemeral Containers:\n\s+doctor:\n\s+Image:\s+busybox:1\.36$/m);
    const removed = await k.fails(["patch", "pod", "patient", "--subresource=ephemeralcontainers", "--type=json", "-p", '[{"op":"remove","path":"/spec/ephemeralContainers/0"}]']);
    expect(removed).toContain('existing ephemeral containers "doctor" may not be removed');
    // Anything else a patch of the subresource says is dropped, as upstream drops it.
    await k.ok(["patch", "pod", "patient", "--subresource=ephemeralcontainers", "--type=merge", "-p", '{"spec":{"containers":[{"name":"patient","image":"evil"}]}}']);
    expect(await k.ok(["get", "pod", "patient", "-o", "jsonpath={.spec.containers[0].image}"])).toBe("busybox:1.36");
  });

  it("`kubectl expose` makes a service from a deployment's selector and ports", async () => {
    await k.ok(["create", "deployment", "shop", "--image=nginx:1.25", "--port=80"]);
    expect(await k.ok(["expose", "deployment", "shop", "--port=8000", "--target-port=80"])).toBe("service/shop exposed\n");
    const s = await json(["get", "service", "shop"]);
    expect(s.spec).toMatchObject({ type: "ClusterIP", selector: { app: "shop" }, ports: [{ port: 8000, targetPort: 80, protocol: "TCP" }] });
    await k.ok(["run", "solo", "--image=busybox:1.36", "--port=9090"]);
    expect(await k.ok(["expose", "pod", "solo", "--name=solo-np", "--type=NodePort"])).toBe("service/solo-np exposed\n");
    const np = await json(["get", "service", "solo-np"]);
    expect(np.spec.selector).toEqual({ run: "solo" });
    expect(np.spec.ports[0]).toMatchObject({ port: 9090, targetPort: 9090 });
    expect(np.spec.ports[0].nodePort).toBeGreaterThanOrEqual(30000);
    const outside = await k.fails(["create", "service", "nodeport", "far", "--tcp=80", "--node-port=99999"]);
    expect(outside).toContain('spec.ports[0].nodePort: Invalid value: 99999: provided port is not in the valid range. The range of valid ports is 30000-32767');
  });

  it("`kubectl delete -l` deletes every object the selector matches and no other", async () => {
    await k.ok(["create", "namespace", "sweep"]);
    for (const n of ["a", "b", "keep"]) await k.ok(["-n", "sweep", "create", "configmap", n]);
    await k.ok(["-n", "sweep", "label", "configmap", "a", "b", "batch=old"]);
    expect(await k.ok(["-n", "sweep", "delete", "configmaps", "-l", "batch=old"])).toBe('configmap "a" deleted\nconfigmap "b" deleted\n');
    expect(await k.ok(["-n", "sweep", "get", "configmaps", "-o", "name"])).toContain("configmap/keep");
    expect(await k.ok(["-n", "sweep", "get", "configmaps", "-o", "name"])).not.toContain("configmap/a");
  });

  it("`kubectl delete --grace-period` marks a pod on a node terminating for that long; 0 with --force removes it", async () => {
    await k.ok(["run", "slow", "--image=busybox:1.36"]);
    await k.api("POST", "/api/v1/namespaces/default/pods/slow/binding", { apiVersion: "v1", kind: "Binding", metadata: { name: "slow" }, target: { kind: "Node", name: "node-a" } });
    expect(await k.ok(["delete", "pod", "slow", "--grace-period=45", "--wait=false"])).toBe('pod "slow" deleted\n');
    const p = await json(["get", "pod", "slow"]);
    expect(p.metadata.deletionGracePeriodSeconds).toBe(45);
    expect(p.metadata.deletionTimestamp).toBeDefined();
    expect(await k.ok(["get", "pod", "slow"])).toMatch(/slow\s+0\/1\s+Terminating/);
    const forced = await k.cluster.kubectl(["delete", "pod", "slow", "--grace-period=0", "--force"]);
    expect(forced.stderr).toContain("Warning: Immediate deletion does not wait for confirmation");
    expect(forced.stdout).toBe('pod "slow" force deleted\n');
    expect(await k.fails(["get", "pod", "slow"])).toBe('Error from server (NotFound): pods "slow" not found\n');
  });

  it("`kubectl delete --cascade=background` removes the owner at once and asks for background propagation", async () => {
    await k.ok(["create", "deployment", "gone", "--image=nginx:1.25"]);
    const r = await k.cluster.kubectl(["delete", "deployment", "gone", "--cascade=background", "-v=8"]);
    expect(r.stdout).toBe('deployment.apps "gone" deleted\n');
    expect(r.stderr).toContain('{"propagationPolicy":"Background"}');
    expect(r.stderr).toMatch(/"Response Body" body="\{\\"kind\\":\\"Status\\",.*\\"status\\":\\"Success\\"/);
    expect(await k.fails(["get", "deployment", "gone"])).toBe('Error from server (NotFound): deployments.apps "gone" not found\n');
    // Node sends a DELETE body only with its length declared.
    const body = JSON.stringify({ propagationPolicy: "Sideways" });
    const bad = await k.cluster.api("DELETE", "/apis/apps/v1/namespaces/default/deployments/web", body, { "Content-Type": "application/json", "Content-Length": String(Buffer.byteLength(body)) });
    expect(bad.status).toBe(400);
    expect(JSON.parse(bad.body).message).toContain('Unsupported value: "Sideways"');
  });
});
