import { writeFileSync, chmodSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { clusterPerFile, kubectlMissing } from "./cluster-per-file.js";

const deployment = (image: string, extra = "") => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: site
  labels: {app: web}
spec:
  replicas: 2
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers:
      - name: nginx
        image: ${image}
        ports: [{containerPort: 80}]
${extra}`;

describe.skipIf(kubectlMissing)("kubectl apply, diff and edit", () => {
  const k = clusterPerFile();

  it("`kubectl apply -f` creates what a manifest describes and records the last applied configuration", async () => {
    await k.ok(["create", "namespace", "site"]);
    const file = k.manifest("web.yaml", deployment("nginx:1.25"));
    expect(await k.ok(["apply", "-f", file])).toBe("deployment.apps/web created\n");
    const live = JSON.parse(await k.ok(["-n", "site", "get", "deployment", "web", "-o", "json"]));
    expect(live.spec.template.spec.containers[0]).toMatchObject({ name: "nginx", image: "nginx:1.25", ports: [{ containerPort: 80, protocol: "TCP" }] });
    expect(live.spec.strategy).toEqual({ type: "RollingUpdate", rollingUpdate: { maxUnavailable: "25%", maxSurge: "25%" } });
    const last = JSON.parse(live.metadata.annotations["kubectl.kubernetes.io/last-applied-configuration"]);
    expect(last.spec.template.spec.containers[0].image).toBe("nginx:1.25");
    expect(await k.ok(["apply", "-f", file])).toBe("deployment.apps/web unchanged\n");
  });

  it("`kubectl apply -f` after an edit of the manifest changes only what was edited", async () => {
    await k.ok(["create", "namespace", "edit"]);
    const file = k.manifest("cm.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: app, namespace: edit}\ndata: {color: blue, size: L}\n");
    await k.ok(["apply", "-f", file]);
    // A change made by someone else, which the next apply must keep.
    await k.ok(["-n", "edit", "label", "configmap", "app", "owner=ops"]);
    writeFileSync(file, "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: app, namespace: edit}\ndata: {color: green, size: L}\n");
    expect(await k.ok(["apply", "-f", file])).toBe("configmap/app configured\n");
    const cm = parse(await k.ok(["-n", "edit", "get", "configmap", "app", "-o", "yaml"]));
    expect(cm.data).toEqual({ color: "green", size: "L" });
    expect(cm.metadata.labels).toEqual({ owner: "ops" });
  });

  it("`kubectl apply -f` prunes what was removed from the manifest: a label and a whole container", async () => {
    await k.ok(["create", "namespace", "prune"]);
    const inPrune = (text: string) => text.replace("namespace: site", "namespace: prune");
    const sidecar = "      - name: sidecar\n        image: busybox:1.36\n        ports: [{containerPort: 9000}]\n";
    const file = k.manifest("prune.yaml", inPrune(deployment("nginx:1.25", sidecar)).replace("  labels: {app: web}\n", "  labels: {app: web, tier: front}\n"));
    expect(await k.ok(["apply", "-f", file])).toBe("deployment.apps/web created\n");
    writeFileSync(file, inPrune(deployment("nginx:1.25")));
    expect(await k.ok(["apply", "-f", file])).toBe("deployment.apps/web configured\n");
    const live = JSON.parse(await k.ok(["-n", "prune", "get", "deployment", "web", "-o", "json"]));
    expect(live.metadata.labels).toEqual({ app: "web" });
    expect(live.spec.template.spec.containers.map((c: any) => c.name)).toEqual(["nginx"]);
  });

  it("`kubectl apply -f` stores what upstream's Go round trip keeps: empty omitempty fields out, a zero replicas in", async () => {
    await k.ok(["create", "namespace", "empties"]);
    const file = k.manifest("empties.yaml", `apiVersion: apps/v1
kind: Deployment
metadata: {name: idle, namespace: empties, annotations: {}}
spec:
  replicas: 0
  paused: false
  selector: {matchLabels: {app: idle}}
  template:
    metadata: {labels: {app: idle}}
    spec:
      nodeSelector: {}
      tolerations: []
      affinity: null
      hostNetwork: false
      containers: [{name: app, image: "busybox:1.36", args: [], env: [{name: MODE, value: ""}]}]
`);
    await k.ok(["apply", "-f", file]);
    const d = JSON.parse(await k.ok(["-n", "empties", "get", "deployment", "idle", "-o", "json"]));
    expect(d.spec.replicas).toBe(0);
    for (const [at, field] of [[d.spec, "paused"], [d.spec.template.spec, "nodeSelector"], [d.spec.template.spec, "tolerations"], [d.spec.template.spec, "affinity"], [d.spec.template.spec, "hostNetwork"], [d.spec.template.spec.containers[0], "args"]] as const) {
      expect(Object.keys(at), field).not.toContain(field);
    }
    expect(d.spec.template.spec.containers[0].env).toEqual([{ name: "MODE" }]);
    // kubectl sends the manifest's empties again (it compares with what it sent before); they change nothing.
    await k.ok(["apply", "-f", file]);
    expect(JSON.parse(await k.ok(["-n", "empties", "get", "deployment", "idle", "-o", "json"])).metadata.resourceVersion).toBe(d.metadata.resourceVersion);
  });

  it("`kubectl apply --prune` deletes the labelled objects a manifest no longer lists", async () => {
    await k.ok(["create", "namespace", "sets"]);
    const cm = (n: string) => `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: ${n}, namespace: sets, labels: {set: one}}\n`;
    const file = k.manifest("set.yaml", `${cm("a")}---\n${cm("b")}`);
    await k.ok(["apply", "-f", file]);
    await k.ok(["-n", "sets", "create", "configmap", "unlabelled"]);
    writeFileSync(file, cm("a"));
    expect(await k.ok(["apply", "-f", file, "--prune", "-l", "set=one", "--prune-allowlist=core/v1/ConfigMap"])).toBe("configmap/a unchanged\nconfigmap/b pruned\n");
    expect((await k.ok(["-n", "sets", "get", "configmaps", "-o", "name"])).trim().split("\n").filter((n) => n !== "configmap/kube-root-ca.crt")).toEqual(["configmap/a", "configmap/unlabelled"]);
  });

  it("`kubectl diff` shows what an apply would change, exits 1, and changes nothing", async () => {
    await k.ok(["create", "namespace", "diff"]);
    const file = k.manifest("diff.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: app, namespace: diff}\ndata: {color: blue}\n");
    await k.ok(["apply", "-f", file]);
    const same = await k.cluster.kubectl(["diff", "-f", file]);
    expect(same).toMatchObject({ code: 0, stdout: "", stderr: "" });
    writeFileSync(file, "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: app, namespace: diff}\ndata: {color: red}\n");
    const r = await k.cluster.kubectl(["diff", "-f", file]);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^-  color: blue$/m);
    expect(r.stdout).toMatch(/^\+  color: red$/m);
    expect(r.stdout).not.toMatch(/^[-+]\s+resourceVersion/m);
    expect(await k.ok(["-n", "diff", "get", "configmap", "app", "-o", "jsonpath={.data.color}"])).toBe("blue");
    const created = await k.cluster.kubectl(["diff", "-f", k.manifest("new.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: fresh, namespace: diff}\ndata: {a: '1'}\n")]);
    expect(created.code).toBe(1);
    expect(created.stdout).toMatch(/^\+  name: fresh$/m);
    expect((await k.cluster.kubectl(["-n", "diff", "get", "configmap", "fresh"])).code).not.toBe(0);
  });

  it("`kubectl edit` saves what the editor wrote", async () => {
    await k.ok(["create", "namespace", "editor"]);
    await k.ok(["-n", "editor", "create", "configmap", "app", "--from-literal=color=blue", "--from-literal=size=L"]);
    const editor = k.scratch("editor.sh");
    writeFileSync(editor, "#!/bin/sh\nsed -i -e 's/color: blue/color: purple/' -e '/size: L/d' \"$1\"\n");
    chmodSync(editor, 0o755);
    expect(await k.ok(["-n", "editor", "edit", "configmap", "app"], { env: { EDITOR: editor, KUBE_EDITOR: editor } })).toBe("configmap/app edited\n");
    expect(JSON.parse(await k.ok(["-n", "editor", "get", "configmap", "app", "-o", "jsonpath={.data}"]))).toEqual({ color: "purple" });
    const unchanged = k.scratch("noop.sh");
    writeFileSync(unchanged, "#!/bin/sh\ntrue\n");
    chmodSync(unchanged, 0o755);
    const r = await k.cluster.kubectl(["-n", "editor", "edit", "configmap", "app"], { env: { EDITOR: unchanged, KUBE_EDITOR: unchanged } });
    expect(r.stderr).toBe("Edit cancelled, no changes made.\n");
  });
});
