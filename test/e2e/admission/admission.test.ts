import { spawn, execFileSync, type ChildProcess } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { clusterPerFile, kubectlMissing } from "../kubectl/cluster-per-file.js";
import { partAvailable } from "../../support/parts.js";

const EXAMPLE = join(import.meta.dirname, "../../../examples/webhooks/sidecar-injector");
const opensslMissing = !partAvailable("openssl", hasOpenssl(), "the machine image (openssl, for the example webhook's certificates)");

/**
 * The control plane with NodeRestriction added and the audit log on: configmaps at
 * RequestResponse, secrets at Metadata, pod creates at Request, nothing else.
 */
const PROFILE = `apiVersion: kitbash.io/v1alpha1
kind: Profile
metadata: {name: admission-e2e}
extends: control-plane
components:
  apiserver:
    config:
      auditPolicy:
        apiVersion: audit.k8s.io/v1
        kind: Policy
        rules:
          - level: None
            users: ["system:kube-controller-manager", "system:kube-scheduler"]
          - level: RequestResponse
            resources: [{group: "", resources: ["configmaps"]}]
          - level: Metadata
            resources: [{group: "", resources: ["secrets"]}]
          - level: Request
            verbs: ["create"]
            resources: [{group: "", resources: ["pods"]}]
          - level: None
    plugins:
      audit:
        enabled: [{name: audit-log}]
      admission:
        enabled: [{name: NodeRestriction}]
    pluginConfig:
      - name: audit-log
        args: {path: audit.log, maxBatchWaitMs: 20}
`;

const PRIVILEGED_POD = `apiVersion: v1
kind: Pod
metadata: {name: priv, namespace: locked}
spec:
  containers:
    - name: app
      image: nginx
      securityContext: {privileged: true}
`;

describe.skipIf(kubectlMissing || opensslMissing)("admission and audit with the real kubectl", () => {
  const k = clusterPerFile({ profile: PROFILE });
  let injector: ChildProcess | undefined;
  afterAll(() => {
    injector?.kill();
  });

  it("a privileged pod in a restricted namespace is refused naming every violated control", async () => {
    await k.ok(["create", "namespace", "locked"]);
    await k.ok(["label", "namespace", "locked", "pod-security.kubernetes.io/enforce=restricted"]);
    const err = await k.fails(["apply", "-f", k.manifest("priv.yaml", PRIVILEGED_POD)]);
    expect(err).toContain(
      'pods "priv" is forbidden: violates PodSecurity "restricted:latest": privileged (container "app" must not set securityContext.privileged=true), ' +
        'allowPrivilegeEscalation != false (container "app" must set securityContext.allowPrivilegeEscalation=false), ' +
        'runAsNonRoot != true (pod or container "app" must set securityContext.runAsNonRoot=true), ' +
        'seccompProfile (pod or container "app" must set securityContext.seccompProfile.type to "RuntimeDefault" or "Localhost"), ' +
        'unrestricted capabilities (container "app" must set securityContext.capabilities.drop=["ALL"])',
    );
    expect((await k.cluster.kubectl(["get", "pod", "priv", "-n", "locked"])).stderr).toContain("NotFound");
  });

  it("a namespace's warn level comes back as a kubectl warning and the pod is created", async () => {
    await k.ok(["create", "namespace", "warned"]);
    await k.ok(["label", "namespace", "warned", "pod-security.kubernetes.io/warn=baseline", "pod-security.kubernetes.io/warn-version=v1.32"]);
    const r = await k.cluster.kubectl(["run", "hostnet", "-n", "warned", "--image=nginx", "--overrides", '{"spec":{"hostNetwork":true}}']);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('Warning: would violate PodSecurity "baseline:v1.32": host namespaces (hostNetwork=true)\n');
  });

  it("the example webhook injects its sidecar into annotated pods only", async () => {
    const certs = k.scratch("certs");
    execFileSync("sh", [join(EXAMPLE, "gen-certs.sh"), certs], { stdio: "ignore" });
    const port = await startInjector(certs);
    await k.ok(["apply", "-f", k.manifest("svc.yaml", readFileSync(join(EXAMPLE, "service.yaml"), "utf8").replace("port: 8443", `port: ${port}`))]);
    const config = execFileSync("sh", [join(EXAMPLE, "render.sh"), certs], { encoding: "utf8" });
    await k.ok(["apply", "-f", "-"], { input: config });

    await k.ok(["run", "injected", "--image=nginx", "--annotations=inject-sidecar=true"]);
    expect(await k.ok(["get", "pod", "injected", "-o", "jsonpath={.spec.containers[*].name} {.spec.containers[1].image} {.spec.containers[1].ports[0].containerPort}"])).toBe("injected sidecar my-sidecar:v1 8080");
    await k.ok(["run", "plain", "--image=nginx"]);
    expect(await k.ok(["get", "pod", "plain", "-o", "jsonpath={.spec.containers[*].name}"])).toBe("plain");
  });

  it("with the webhook down, failurePolicy Fail refuses the pod and Ignore admits it unchanged", async () => {
    injector!.kill();
    await new Promise((r) => injector!.once("exit", r));
    const err = await k.fails(["run", "refused", "--image=nginx", "--annotations=inject-sidecar=true"]);
    expect(err).toMatch(/^Error from server \(InternalError\): Internal error occurred: failed calling webhook "sidecar\.example\.com": failed to call webhook: Post "https:\/\/sidecar-injector\.default\.svc:443\/mutate\?timeout=5s": dial tcp 127\.0\.0\.1:\d+: connect: connection refused\n$/);
    await k.ok(["patch", "mutatingwebhookconfiguration", "sidecar-injector", "--type=json", "-p", '[{"op":"replace","path":"/webhooks/0/failurePolicy","value":"Ignore"}]']);
    await k.ok(["run", "admitted", "--image=nginx", "--annotations=inject-sidecar=true"]);
    expect(await k.ok(["get", "pod", "admitted", "-o", "jsonpath={.spec.containers[*].name}"])).toBe("admitted");
  });

  it("the audit log holds one event per request and stage, at the level the policy gives", async () => {
    await k.ok(["create", "configmap", "audited", "--from-literal=k=v"]);
    await k.ok(["create", "secret", "generic", "hidden", "--from-literal=password=s3cret"]);
    await k.ok(["get", "namespaces"]);
    const events = await auditEvents(k.cluster.dataDir, (e) => e.objectRef?.name === "hidden" && e.stage === "ResponseComplete");

    const request = (resource: string, name: string) => {
      const done = events.find((e) => e.stage === "ResponseComplete" && e.objectRef?.resource === resource && e.objectRef?.name === name);
      return events.filter((e) => e.auditID === done?.auditID);
    };
    const cm = request("configmaps", "audited");
    expect(cm.map((e) => e.stage)).toEqual(["RequestReceived", "ResponseComplete"]);
    expect(new Set(cm.map((e) => e.auditID)).size).toBe(1);
    expect(cm.every((e) => e.level === "RequestResponse")).toBe(true);
    expect(cm[1].requestObject.data).toEqual({ k: "v" });
    expect(cm[1].responseObject.metadata.uid).toMatch(/^[0-9a-f-]{36}$/);
    expect(cm[1].responseStatus.code).toBe(201);
    expect(cm[1].user.groups).toContain("system:masters");

    const secret = request("secrets", "hidden");
    expect(secret.map((e) => [e.stage, e.level])).toEqual([["RequestReceived", "Metadata"], ["ResponseComplete", "Metadata"]]);
    expect(JSON.stringify(secret)).not.toContain("s3cret");

    // Lists of namespaces fall to the last rule, None.
    expect(events.filter((e) => e.objectRef?.resource === "namespaces" && e.verb === "list")).toEqual([]);
    // The refused privileged pod: one Request-level event per stage, with PodSecurity's annotation and the 403.
    const priv = request("pods", "priv");
    expect(priv.map((e) => [e.stage, e.level])).toEqual([["RequestReceived", "Request"], ["ResponseComplete", "Request"]]);
    expect(priv[1].responseStatus).toMatchObject({ code: 403, reason: "Forbidden" });
    expect(priv[1].annotations["pod-security.kubernetes.io/enforce-policy"]).toBe("restricted:latest");
    expect(priv[1].requestObject.metadata.name).toBe("priv");
    // Every request has exactly one ResponseComplete event.
    const completes = events.filter((e) => e.stage === "ResponseComplete").map((e) => e.auditID);
    expect(new Set(completes).size).toBe(completes.length);
  });

  it("NodeRestriction lets a node's credentials change its own Node only", async () => {
    for (const n of ["n1", "n2"]) await k.ok(["create", "-f", "-"], { input: JSON.stringify({ apiVersion: "v1", kind: "Node", metadata: { name: n } }) });
    const asNode = ["--as=system:node:n1", "--as-group=system:nodes"];
    await k.ok(["label", "node", "n1", "disk=ssd", ...asNode]);
    expect(await k.fails(["label", "node", "n2", "disk=ssd", ...asNode])).toBe('Error from server (Forbidden): nodes "n2" is forbidden: node "n1" is not allowed to modify node "n2"\n');
    expect(await k.fails(["label", "node", "n1", "node-restriction.kubernetes.io/pool=a", ...asNode])).toBe(
      'Error from server (Forbidden): nodes "n1" is forbidden: is not allowed to modify labels: node-restriction.kubernetes.io/pool\n',
    );
    // The admin is no node: NodeRestriction leaves it alone.
    await k.ok(["label", "node", "n2", "disk=hdd"]);
  });

  async function startInjector(certs: string): Promise<number> {
    injector = spawn(process.execPath, [join(EXAMPLE, "server.js")], {
      env: { ...process.env, PORT: "0", TLS_CERT: join(certs, "server.crt"), TLS_KEY: join(certs, "server.key") },
      stdio: ["ignore", "pipe", "inherit"],
    });
    return new Promise((resolve, reject) => {
      let out = "";
      injector!.stdout!.on("data", (d) => {
        out += d;
        const m = /listening on https:\/\/127\.0\.0\.1:(\d+)/.exec(out);
        if (m) resolve(Number(m[1]));
      });
      injector!.once("exit", (code) => reject(new Error(`sidecar-injector exited ${code}: ${out}`)));
    });
  }
});

/** The audit log's events once one matching `until` has been written (the log is written in batches). */
async function auditEvents(dataDir: string, until: (e: any) => boolean): Promise<any[]> {
  const file = join(dataDir, "audit.log");
  for (let i = 0; i < 100; i++) {
    if (existsSync(file)) {
      const events = readFileSync(file, "utf8").trim().split("\n").map((l) => JSON.parse(l));
      if (events.some(until)) return events;
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`no matching audit event in ${file}`);
}

function hasOpenssl(): boolean {
  try {
    execFileSync("openssl", ["version"], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}
