import { describe, expect, it } from "vitest";
import { until } from "../../support/until.js";
import { parse } from "yaml";
import { clusterPerFile, kubectlMissing, streamUntil, table } from "./cluster-per-file.js";

describe.skipIf(kubectlMissing)("kubectl get", () => {
  const k = clusterPerFile();

  /** A pod made with `kubectl run`, bound to a node and reported running through the status subresource, as a kubelet would. */
  async function runningPod(ns: string, name: string, labels: string, node: string, ip: string) {
    await k.ok(["-n", ns, "run", name, "--image=busybox:1.36", `--labels=${labels}`, "--", "sleep", "3600"]);
    await k.api("POST", `/api/v1/namespaces/${ns}/pods/${name}/binding`, { apiVersion: "v1", kind: "Binding", metadata: { name }, target: { kind: "Node", name: node } });
    await k.api("PATCH", `/api/v1/namespaces/${ns}/pods/${name}/status`, {
      status: {
        phase: "Running",
        podIP: ip,
        podIPs: [{ ip }],
        conditions: [{ type: "Ready", status: "True" }],
        containerStatuses: [{ name, ready: true, started: true, restartCount: 2, image: "busybox:1.36", imageID: "", state: { running: { startedAt: new Date().toISOString().replace(/\.\d+Z$/, "Z") } } }],
      },
    }, "application/merge-patch+json");
  }

  it("`kubectl get` prints a table with upstream's columns: READY, STATUS and RESTARTS from the pod's status", async () => {
    await k.ok(["create", "namespace", "tbl"]);
    await runningPod("tbl", "web", "app=web", "node-a", "10.244.0.7");
    await k.ok(["-n", "tbl", "run", "idle", "--image=busybox:1.36"]);
    const rows = table(await k.ok(["-n", "tbl", "get", "pods"]));
    expect(rows[0]).toEqual(["NAME", "READY", "STATUS", "RESTARTS", "AGE"]);
    expect(rows.slice(1).map((r) => r.slice(0, 4))).toEqual([
      ["idle", "0/1", "Pending", "0"],
      ["web", "1/1", "Running", "2"],
    ]);
    expect(rows[2]![4]).toMatch(/^\d+s$/);
    const empty = await k.cluster.kubectl(["-n", "tbl", "get", "configmaps"]);
    expect(empty.stderr).toBe("No resources found in tbl namespace.\n");
  });

  it("`kubectl get -o wide` adds the pod's IP and node, a deployment's containers, images and selector, and a node's addresses and system", async () => {
    await k.ok(["create", "namespace", "wide"]);
    await runningPod("wide", "api", "app=api", "node-b", "10.244.1.9");
    const rows = table(await k.ok(["-n", "wide", "get", "pods", "-o", "wide"]));
    expect(rows[0]).toEqual(["NAME", "READY", "STATUS", "RESTARTS", "AGE", "IP", "NODE", "NOMINATED NODE", "READINESS GATES"]);
    expect(rows[1]).toEqual(["api", "1/1", "Running", "2", rows[1]![4], "10.244.1.9", "node-b", "<none>", "<none>"]);
    await k.ok(["-n", "wide", "create", "deployment", "shop", "--image=nginx:1.25", "--replicas=3"]);
    const d = table(await k.ok(["-n", "wide", "get", "deployments", "-o", "wide"]));
    expect(d[0]).toEqual(["NAME", "READY", "UP-TO-DATE", "AVAILABLE", "AGE", "CONTAINERS", "IMAGES", "SELECTOR"]);
    expect(d[1]).toEqual(["shop", "0/3", "0", "0", d[1]![4], "nginx", "nginx:1.25", "app=shop"]);
    await k.api("POST", "/api/v1/nodes", { metadata: { name: "wide-node", labels: { "node-role.kubernetes.io/worker": "", "node-role.kubernetes.io/gpu": "" } } });
    await k.api("PATCH", "/api/v1/nodes/wide-node/status", { status: { addresses: [{ type: "InternalIP", address: "192.168.0.7" }], nodeInfo: { kubeletVersion: "v1.32.4", osImage: "Debian GNU/Linux 12", kernelVersion: "6.1.0", containerRuntimeVersion: "containerd://1.7.0" } } }, "application/merge-patch+json");
    const n = table(await k.ok(["get", "node", "wide-node", "-o", "wide"]));
    expect(n[0]).toEqual(["NAME", "STATUS", "ROLES", "AGE", "VERSION", "INTERNAL-IP", "EXTERNAL-IP", "OS-IMAGE", "KERNEL-VERSION", "CONTAINER-RUNTIME"]);
    expect(n[1]).toEqual(["wide-node", "Unknown", "gpu,worker", n[1]![3], "v1.32.4", "192.168.0.7", "<none>", "Debian GNU/Linux 12", "6.1.0", "containerd://1.7.0"]);
  });

  it("`kubectl get events` prints when, what and about which object, and -o wide the source and count", async () => {
    await k.ok(["create", "namespace", "ev"]);
    const t = new Date(Date.now() - 15 * 60_000 - 5_000).toISOString().replace(/\.\d+Z$/, "Z");
    await k.api("POST", "/api/v1/namespaces/ev/events", {
      metadata: { name: "web.pulled" },
      involvedObject: { kind: "Pod", name: "web", namespace: "ev", fieldPath: "spec.containers{app}" },
      reason: "Pulled",
      message: "Container image pulled ",
      type: "Normal",
      source: { component: "kubelet", host: "node-a" },
      firstTimestamp: t,
      lastTimestamp: t,
      count: 3,
    });
    const rows = table(await k.ok(["-n", "ev", "get", "events"]));
    expect(rows).toEqual([
      ["LAST SEEN", "TYPE", "REASON", "OBJECT", "MESSAGE"],
      ["15m", "Normal", "Pulled", "pod/web", "Container image pulled"],
    ]);
    const wide = table(await k.ok(["-n", "ev", "get", "events", "-o", "wide"]));
    expect(wide[0]).toEqual(["LAST SEEN", "TYPE", "REASON", "OBJECT", "SUBOBJECT", "SOURCE", "MESSAGE", "FIRST SEEN", "COUNT", "NAME"]);
    expect(wide[1]).toEqual(["15m", "Normal", "Pulled", "pod/web", "spec.containers{app}", "kubelet, node-a", "Container image pulled", "15m", "3", "web.pulled"]);
  });

  it("`kubectl get -o yaml` prints the stored object with the server's fields", async () => {
    await k.ok(["create", "configmap", "yml", "--from-literal=greeting=hello"]);
    const cm = parse(await k.ok(["get", "configmap", "yml", "-o", "yaml"]));
    expect(cm).toMatchObject({ apiVersion: "v1", kind: "ConfigMap", metadata: { name: "yml", namespace: "default" }, data: { greeting: "hello" } });
    expect(cm.metadata.uid).toMatch(/^[0-9a-f-]{36}$/);
    expect(Number(cm.metadata.resourceVersion)).toBeGreaterThan(0);
    // Config maps have no generation upstream; deployments count spec changes in theirs.
    expect(cm.metadata).not.toHaveProperty("generation");
    await k.ok(["create", "deployment", "yml", "--image=nginx:1.25"]);
    expect(parse(await k.ok(["get", "deployment", "yml", "-o", "yaml"])).metadata.generation).toBe(1);
  });

  it("`kubectl get -o json` prints a List of the selected kinds", async () => {
    await k.ok(["create", "namespace", "js"]);
    await k.ok(["-n", "js", "create", "configmap", "one", "--from-literal=n=1"]);
    await k.ok(["-n", "js", "create", "secret", "generic", "two", "--from-literal=n=2"]);
    const list = JSON.parse(await k.ok(["-n", "js", "get", "configmaps,secrets", "-o", "json"]));
    expect(list.kind).toBe("List");
    expect(list.items.map((i: any) => `${i.kind}/${i.metadata.name}`)).toEqual(["ConfigMap/one", "Secret/two"]);
    expect(Buffer.from(list.items[1].data.n, "base64").toString()).toBe("2");
  });

  it("`kubectl get -o jsonpath` prints the fields the template names, across a list with range", async () => {
    await k.ok(["create", "namespace", "jp"]);
    for (const [n, color] of [["a", "red"], ["b", "blue"]]) await k.ok(["-n", "jp", "create", "configmap", n!, `--from-literal=color=${color}`]);
    expect(await k.ok(["-n", "jp", "get", "configmap", "a", "-o", "jsonpath={.metadata.name}={.data.color}"])).toBe("a=red");
    expect(await k.ok(["-n", "jp", "get", "configmaps", "-o", 'jsonpath={range .items[*]}{.metadata.name}:{.data.color}{"\\n"}{end}'])).toBe("a:red\nb:blue\n");
  });

  it("`kubectl get -o custom-columns` prints the named columns", async () => {
    await k.ok(["create", "namespace", "cc"]);
    await k.ok(["-n", "cc", "create", "deployment", "front", "--image=nginx:1.25", "--replicas=2"]);
    const rows = table(await k.ok(["-n", "cc", "get", "deployments", "-o", "custom-columns=NAME:.metadata.name,REPLICAS:.spec.replicas,IMAGE:.spec.template.spec.containers[0].image"]));
    expect(rows).toEqual([
      ["NAME", "REPLICAS", "IMAGE"],
      ["front", "2", "nginx:1.25"],
    ]);
  });

  it("`kubectl get -w` prints the current rows, then each change as it happens", async () => {
    await k.ok(["create", "namespace", "watch"]);
    await k.ok(["-n", "watch", "create", "configmap", "first", "--from-literal=a=1"]);
    const out = await streamUntil(
      k.cluster,
      ["-n", "watch", "get", "configmaps", "-w", "--output-watch-events"],
      (o) => /DELETED\s+second/.test(o),
      async () => {
        await k.ok(["-n", "watch", "create", "configmap", "second", "--from-literal=b=2"]);
        await k.ok(["-n", "watch", "delete", "configmap", "second"]);
      },
    );
    const rows = table(out);
    expect(rows[0]).toEqual(["EVENT", "NAME", "DATA", "AGE"]);
    expect(rows.slice(1).map((r) => `${r[0]} ${r[1]}`)).toEqual(["ADDED first", "ADDED second", "DELETED second"]);
  });

  it("`kubectl get -l` selects by equality and set-based label selectors", async () => {
    await k.ok(["create", "namespace", "sel"]);
    for (const [n, labels] of [["a", "tier=web,env=prod"], ["b", "tier=db,env=prod"], ["c", "tier=web,env=dev"]]) {
      await k.ok(["-n", "sel", "create", "configmap", n!]);
      await k.ok(["-n", "sel", "label", "configmap", n!, ...labels!.split(",")]);
    }
    const names = async (sel: string) => (await k.ok(["-n", "sel", "get", "configmaps", "-l", sel, "-o", "name"])).trim().split("\n");
    expect(await names("tier=web")).toEqual(["configmap/a", "configmap/c"]);
    expect(await names("tier=web,env!=dev")).toEqual(["configmap/a"]);
    expect(await names("env in (prod),tier notin (web)")).toEqual(["configmap/b"]);
  });

  it("`kubectl get --field-selector` filters on metadata and the kind's own fields, and refuses unknown ones", async () => {
    await k.ok(["create", "namespace", "fs"]);
    await runningPod("fs", "busy", "app=busy", "node-c", "10.244.2.2");
    await k.ok(["-n", "fs", "run", "waiting", "--image=busybox:1.36"]);
    expect(await k.ok(["-n", "fs", "get", "pods", "--field-selector", "status.phase=Running", "-o", "name"])).toBe("pod/busy\n");
    expect(await k.ok(["-n", "fs", "get", "pods", "--field-selector", "spec.nodeName=node-c", "-o", "name"])).toBe("pod/busy\n");
    expect(await k.ok(["-n", "fs", "get", "pods", "--field-selector", "metadata.name!=busy", "-o", "name"])).toBe("pod/waiting\n");
    expect(await k.ok(["get", "services", "-A", "--field-selector", "spec.type=ClusterIP,spec.clusterIP=10.96.0.1", "-o", "name"])).toBe("service/kubernetes\n");
    const err = await k.fails(["-n", "fs", "get", "pods", "--field-selector", "spec.color=red"]);
    expect(err).toContain('field label not supported: spec.color');
  });

  it("`kubectl get -A` lists every namespace with a NAMESPACE column", async () => {
    await k.ok(["create", "namespace", "all-a"]);
    await k.ok(["create", "namespace", "all-b"]);
    await k.ok(["-n", "all-a", "create", "serviceaccount", "robot"]);
    await k.ok(["-n", "all-b", "create", "serviceaccount", "robot"]);
    const rows = table(await k.ok(["get", "serviceaccounts", "-A"]));
    expect(rows[0]).toEqual(["NAMESPACE", "NAME", "SECRETS", "AGE"]);
    expect(rows.filter((r) => r[1] === "robot").map((r) => r[0])).toEqual(["all-a", "all-b"]);
  });

  it("`kubectl get --show-labels` adds a LABELS column", async () => {
    await k.ok(["create", "namespace", "lbl"]);
    await k.ok(["-n", "lbl", "create", "configmap", "tagged"]);
    await k.ok(["-n", "lbl", "label", "configmap", "tagged", "tier=web", "env=prod"]);
    const rows = table(await k.ok(["-n", "lbl", "get", "configmaps", "tagged", "--show-labels"]));
    expect(rows[0]).toEqual(["NAME", "DATA", "AGE", "LABELS"]);
    expect(rows[1]![3]).toBe("env=prod,tier=web");
  });

  it("`kubectl get` prints upstream's columns for ingresses, disruption budgets, quotas, priority classes, role bindings, endpoint slices and autoscalers", async () => {
    await k.ok(["create", "namespace", "more"]);
    const n = ["-n", "more"];
    await k.ok([...n, "create", "ingress", "site", "--class=nginx", "--rule=a.example/=web:80", "--rule=b.example/=web:80"]);
    await k.ok([...n, "create", "poddisruptionbudget", "budget", "--selector=app=web", "--min-available=2"]);
    await k.ok([...n, "create", "quota", "small", "--hard=pods=4,limits.cpu=2"]);
    // One pod inside the quota, once the quota controller has reported its status (writes wait for that).
    await until("the quota's status", async () => (await k.cluster.kubectl([...n, "get", "quota", "small", "-o", "jsonpath={.status.used.pods}"])).stdout === "0");
    await k.api("POST", "/api/v1/namespaces/more/pods", { metadata: { name: "within" }, spec: { containers: [{ name: "c", image: "busybox", resources: { limits: { cpu: "500m" } } }] } });
    await until("the pod counted", async () => (await k.cluster.kubectl([...n, "get", "quota", "small", "-o", "jsonpath={.status.used.pods}"])).stdout === "1");
    await k.ok(["create", "priorityclass", "high", "--value=1000", "--description=urgent"]);
    await k.ok([...n, "create", "rolebinding", "readers", "--clusterrole=view", "--user=jane", "--serviceaccount=more:robot"]);
    const rows = async (kind: string, ...extra: string[]) => table(await k.ok([...n, "get", kind, ...extra]));
    expect(await rows("ingresses")).toEqual([["NAME", "CLASS", "HOSTS", "ADDRESS", "PORTS", "AGE"], ["site", "nginx", "a.example,b.example", "80", expect.stringMatching(/^\d+s$/)]]);
    expect((await rows("poddisruptionbudgets"))[1]!.slice(0, 4)).toEqual(["budget", "2", "N/A", "0"]);
    // The controller's recount can lag a moment behind admission's charge: read until both agree.
    const quotaRows = await until("the quota row to count the pod", async () => {
      const r = await rows("resourcequotas");
      return r[1]?.[2] === "pods: 1/4" ? r : undefined;
    });
    expect(quotaRows).toEqual([["NAME", "AGE", "REQUEST", "LIMIT"], ["small", expect.stringMatching(/^\d+s$/), "pods: 1/4", "limits.cpu: 500m/2"]]);
    const pc = table(await k.ok(["get", "priorityclass", "high"]));
    expect(pc[0]).toEqual(["NAME", "VALUE", "GLOBAL-DEFAULT", "AGE", "PREEMPTIONPOLICY"]);
    expect(pc[1]).toEqual(["high", "1000", "false", pc[1]![3], "PreemptLowerPriority"]);
    expect(await rows("rolebindings", "-o", "wide")).toEqual([["NAME", "ROLE", "AGE", "USERS", "GROUPS", "SERVICEACCOUNTS"], ["readers", "ClusterRole/view", expect.stringMatching(/^\d+s$/), "jane", "more/robot"]]);
    const port = new URL(k.cluster.url).port;
    expect(table(await k.ok(["get", "endpointslices", "kubernetes"]))[1]!.slice(0, 4)).toEqual(["kubernetes", "IPv4", port, "127.0.0.1"]);
    const hpa = k.manifest("hpa.yaml", `apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata: {name: web, namespace: more}
spec:
  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: web}
  minReplicas: 2
  maxReplicas: 6
  metrics:
  - {type: Resource, resource: {name: cpu, target: {type: Utilization, averageUtilization: 60}}}
  - {type: Resource, resource: {name: memory, target: {type: AverageValue, averageValue: 500Mi}}}
  - {type: Pods, pods: {metric: {name: qps}, target: {type: AverageValue, averageValue: "10"}}}
`);
    await k.ok(["apply", "-f", hpa]);
    const autoscaler = await rows("horizontalpodautoscalers");
    expect(autoscaler[0]).toEqual(["NAME", "REFERENCE", "TARGETS", "MINPODS", "MAXPODS", "REPLICAS", "AGE"]);
    expect(autoscaler[1]!.slice(0, 6)).toEqual(["web", "Deployment/web", "cpu: <unknown>/60%, memory: <unknown>/500Mi + 1 more...", "2", "6", "0"]);
  });

  it("`kubectl get` prints a custom resource's additionalPrinterColumns, and NAME and AGE where it has none", async () => {
    const crd = (plural: string, kind: string, columns: string) => `apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: {name: ${plural}.example.com}
spec:
  group: example.com
  scope: Namespaced
  names: {plural: ${plural}, singular: ${kind.toLowerCase()}, kind: ${kind}}
  versions:
  - name: v1
    served: true
    storage: true
    subresources: {status: {}}
    schema: {openAPIV3Schema: {type: object, x-kubernetes-preserve-unknown-fields: true}}
${columns}`;
    await k.ok(["apply", "-f", k.manifest("gadgets.yaml", crd("gadgets", "Gadget", `    additionalPrinterColumns:
    - {name: Size, type: integer, jsonPath: .spec.size}
    - {name: Ready, type: string, jsonPath: '.status.conditions[?(@.type=="Ready")].status'}
    - {name: Color, type: string, jsonPath: .spec.color, priority: 1}
    - {name: Age, type: date, jsonPath: .metadata.creationTimestamp}
`))]);
    await k.ok(["apply", "-f", k.manifest("plain.yaml", crd("plains", "Plain", ""))]);
    await k.ok(["wait", "--for=condition=Established", "crd/gadgets.example.com", "crd/plains.example.com", "--timeout=20s"]);
    await k.ok(["apply", "-f", k.manifest("g1.yaml", "apiVersion: example.com/v1\nkind: Gadget\nmetadata: {name: g1, namespace: default}\nspec: {size: 3, color: red}\n---\napiVersion: example.com/v1\nkind: Plain\nmetadata: {name: p1, namespace: default}\n")]);
    await k.api("PATCH", "/apis/example.com/v1/namespaces/default/gadgets/g1/status", { status: { conditions: [{ type: "Ready", status: "True" }] } }, "application/merge-patch+json");
    const rows = table(await k.ok(["get", "gadgets"]));
    expect(rows[0]).toEqual(["NAME", "SIZE", "READY", "AGE"]);
    expect(rows[1]!.slice(0, 3)).toEqual(["g1", "3", "True"]);
    expect(table(await k.ok(["get", "gadgets", "-o", "wide"]))[0]).toEqual(["NAME", "SIZE", "READY", "COLOR", "AGE"]);
    const plain = table(await k.ok(["get", "plains"]));
    expect(plain[0]).toEqual(["NAME", "AGE"]);
    expect(plain[1]![1]).toMatch(/^\d+s$/);
  });

  it("`kubectl get --subresource` prints status with the kind's columns and scale as DESIRED and AVAILABLE", async () => {
    await k.ok(["create", "namespace", "subs"]);
    await runningPod("subs", "api", "app=api", "node-s", "10.244.9.9");
    expect(table(await k.ok(["-n", "subs", "get", "pod", "api", "--subresource=status"]))[1]!.slice(0, 4)).toEqual(["api", "1/1", "Running", "2"]);
    await k.ok(["-n", "subs", "create", "deployment", "web", "--image=nginx:1.25", "--replicas=4"]);
    expect(table(await k.ok(["-n", "subs", "get", "deployment", "web", "--subresource=scale"]))).toEqual([
      ["NAME", "DESIRED", "AVAILABLE"],
      ["web", "4", "0"],
    ]);
    // A status write is read as upstream reads it: Go's empty omitempty fields leave, an unknown field is dropped.
    const r = await k.cluster.api("PATCH", "/apis/apps/v1/namespaces/subs/deployments/web/status", JSON.stringify({ status: { replicas: 4, readyReplicas: 0, conditions: [], colour: "blue" } }), { "Content-Type": "application/merge-patch+json" });
    expect(r.headers.warning).toContain('unknown field \\"status.colour\\"');
    expect(JSON.parse(await k.ok(["-n", "subs", "get", "deployment", "web", "--subresource=status", "-o", "jsonpath={.status}"]))).toEqual({ replicas: 4 });
  });

  it("`kubectl get all` lists the kinds in the `all` category, and not config maps", async () => {
    await k.ok(["create", "namespace", "every"]);
    await k.ok(["-n", "every", "create", "deployment", "web", "--image=nginx:1.25"]);
    await k.ok(["-n", "every", "create", "service", "clusterip", "web", "--tcp=80:8080"]);
    await k.ok(["-n", "every", "run", "solo", "--image=busybox:1.36"]);
    await k.ok(["-n", "every", "create", "job", "once", "--image=busybox:1.36"]);
    await k.ok(["-n", "every", "create", "cronjob", "nightly", "--image=busybox:1.36", "--schedule=0 2 * * *"]);
    await k.ok(["-n", "every", "create", "configmap", "settings"]);
    const out = await k.ok(["-n", "every", "get", "all", "-o", "name"]);
    expect(out.trim().split("\n").sort()).toEqual(["cronjob.batch/nightly", "deployment.apps/web", "job.batch/once", "pod/solo", "service/web"]);
    const tables = await k.ok(["-n", "every", "get", "all"]);
    expect(tables).toMatch(/^NAME\s+READY\s+STATUS\s+RESTARTS\s+AGE\npod\/solo\s+0\/1\s+Pending/m);
    expect(tables).toMatch(/^NAME\s+TYPE\s+CLUSTER-IP\s+EXTERNAL-IP\s+PORT\(S\)\s+AGE\nservice\/web\s+ClusterIP\s+10\.96\.\d+\.\d+\s+<none>\s+80\/TCP/m);
    expect(tables).toMatch(/^NAME\s+SCHEDULE\s+TIMEZONE\s+SUSPEND\s+ACTIVE\s+LAST SCHEDULE\s+AGE\ncronjob\.batch\/nightly\s+0 2 \* \* \*\s+<none>\s+False\s+0\s+<none>/m);
    expect(tables).toMatch(/^NAME\s+STATUS\s+COMPLETIONS\s+DURATION\s+AGE\njob\.batch\/once\s+Running\s+0\/1\s+\d+s/m);
  });
});
