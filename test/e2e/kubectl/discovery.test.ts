import { describe, expect, it } from "vitest";
import { clusterPerFile, kubectlMissing, table } from "./cluster-per-file.js";

describe.skipIf(kubectlMissing)("kubectl discovery and cluster information", () => {
  const k = clusterPerFile();

  it("`kubectl api-resources` lists each resource with its short names, version, scope and kind", async () => {
    const rows = table(await k.ok(["api-resources"]));
    expect(rows[0]).toEqual(["NAME", "SHORTNAMES", "APIVERSION", "NAMESPACED", "KIND"]);
    const row = (name: string) => rows.find((r) => r[0] === name);
    expect(row("pods")).toEqual(["pods", "po", "v1", "true", "Pod"]);
    expect(row("deployments")).toEqual(["deployments", "deploy", "apps/v1", "true", "Deployment"]);
    expect(row("nodes")).toEqual(["nodes", "no", "v1", "false", "Node"]);
    expect(row("customresourcedefinitions")).toEqual(["customresourcedefinitions", "crd,crds", "apiextensions.k8s.io/v1", "false", "CustomResourceDefinition"]);
    const apps = table(await k.ok(["api-resources", "--api-group=apps", "-o", "name"])).map((r) => r[0]);
    expect(apps).toEqual(["controllerrevisions.apps", "daemonsets.apps", "deployments.apps", "replicasets.apps", "statefulsets.apps"]);
    const reviews = (await k.ok(["api-resources", "--verbs=create", "-o", "name"])).split("\n").filter((n) => n.includes("review"));
    expect(reviews).toContain("selfsubjectaccessreviews.authorization.k8s.io");
    const listable = await k.ok(["api-resources", "--verbs=list", "-o", "name"]);
    expect(listable).not.toContain("selfsubjectaccessreviews");
  });

  it("`kubectl api-resources` shows a CRD's resource once it is established", async () => {
    await k.api("POST", "/apis/apiextensions.k8s.io/v1/customresourcedefinitions", {
      metadata: { name: "widgets.example.com" },
      spec: { group: "example.com", scope: "Namespaced", names: { plural: "widgets", singular: "widget", kind: "Widget", shortNames: ["wd"], categories: ["all"] }, versions: [{ name: "v1", served: true, storage: true, schema: { openAPIV3Schema: { type: "object", properties: { spec: { type: "object", properties: { size: { type: "integer" } } } } } } }] },
    });
    let rows: string[][] = [];
    for (let i = 0; i < 50 && !rows.some((r) => r[0] === "widgets"); i++) {
      rows = table(await k.ok(["api-resources", "--api-group=example.com"]));
      if (!rows.some((r) => r[0] === "widgets")) await new Promise((r) => setTimeout(r, 100));
    }
    expect(rows.find((r) => r[0] === "widgets")).toEqual(["widgets", "wd", "example.com/v1", "true", "Widget"]);
  });

  it("`kubectl api-versions` lists every served group version", async () => {
    const versions = (await k.ok(["api-versions"])).trim().split("\n");
    for (const v of ["v1", "apps/v1", "batch/v1", "authorization.k8s.io/v1", "authentication.k8s.io/v1", "rbac.authorization.k8s.io/v1", "discovery.k8s.io/v1", "coordination.k8s.io/v1", "apiextensions.k8s.io/v1"]) {
      expect(versions).toContain(v);
    }
    expect(versions).toEqual([...versions].sort());
  });

  it("`kubectl explain` describes a field's type from the OpenAPI documents", async () => {
    const out = await k.ok(["explain", "deployment.spec.replicas"]);
    expect(out).toMatch(/^GROUP:\s+apps$/m);
    expect(out).toMatch(/^KIND:\s+Deployment$/m);
    expect(out).toMatch(/^VERSION:\s+v1$/m);
    expect(out).toMatch(/^FIELD: replicas <integer>$/m);
    const ports = await k.ok(["explain", "service.spec.ports"]);
    expect(ports).toMatch(/^FIELD: ports <\[\]ServicePort>$/m);
    expect(ports).toMatch(/^\s+port\t<integer> -required-$/m);
    expect(await k.fails(["explain", "pod.spec.nonsense"])).toContain('field "nonsense" does not exist');
  });

  it("`kubectl explain --recursive` prints the whole field tree", async () => {
    const out = await k.ok(["explain", "pod.spec", "--recursive"]);
    expect(out).toMatch(/^FIELD: spec <PodSpec>$/m);
    expect(out).toMatch(/^ {2}containers\t<\[\]Container> -required-$/m);
    expect(out).toMatch(/^ {4}livenessProbe\t<Probe>$/m);
    expect(out).toMatch(/^ {6}httpGet\t<HTTPGetAction>$/m);
    expect(out).toMatch(/^ {4}volumeMounts\t<\[\]VolumeMount>$/m);
    expect(out).toMatch(/^ {2}nodeSelector\t<map\[string\]string>$/m);
  });

  it("`kubectl version` prints the client and the server's version", async () => {
    const v = JSON.parse(await k.ok(["version", "-o", "json"]));
    expect(v.clientVersion.gitVersion).toMatch(/^v1\.32\./);
    expect(v.serverVersion).toMatchObject({ major: "1", gitTreeState: "clean" });
    expect(v.serverVersion.gitVersion).toMatch(/^v1\.\d+\.\d+/);
    expect(v.serverVersion.minor).toBe(v.serverVersion.gitVersion.split(".")[1]);
    const text = await k.ok(["version"]);
    expect(text).toContain(`Server Version: ${v.serverVersion.gitVersion}`);
  });

  it("`kubectl cluster-info` names the control plane's address", async () => {
    const out = await k.ok(["cluster-info"]);
    expect(out).toContain(`Kubernetes control plane is running at ${k.cluster.url}\n`);
    expect(out).toContain("To further debug and diagnose cluster problems, use 'kubectl cluster-info dump'.");
  });
});
