import { describe, expect, it } from "vitest";
import { clusterPerFile, kubectlMissing } from "./cluster-per-file.js";

const now = () => new Date().toISOString().replace(/\.\d+Z$/, "Z");

describe.skipIf(kubectlMissing)("kubectl describe", () => {
  const k = clusterPerFile();

  /** An event about an object, as a controller's recorder writes it. */
  async function event(ns: string, involved: { kind: string; name: string; uid: string; apiVersion: string }, reason: string, message: string, type = "Normal") {
    await k.api("POST", `/api/v1/namespaces/${ns}/events`, {
      metadata: { name: `${involved.name}.${reason.toLowerCase()}`, namespace: ns },
      involvedObject: { ...involved, namespace: ns },
      reason,
      message,
      type,
      source: { component: "kitbash-test" },
      firstTimestamp: now(),
      lastTimestamp: now(),
      count: 1,
    });
  }

  it("`kubectl describe pod` shows the pod's node, status, containers and its own events only", async () => {
    await k.ok(["create", "namespace", "pods"]);
    await k.ok(["-n", "pods", "run", "web", "--image=nginx:1.25", "--labels=app=web", "--port=80"]);
    await k.ok(["-n", "pods", "run", "other", "--image=nginx:1.25"]);
    const pod = JSON.parse(await k.ok(["-n", "pods", "get", "pod", "web", "-o", "json"]));
    await k.api("POST", "/api/v1/namespaces/pods/pods/web/binding", { metadata: { name: "web" }, target: { kind: "Node", name: "node-a" } });
    await k.api("PATCH", "/api/v1/namespaces/pods/pods/web/status", { status: { phase: "Running", podIP: "10.244.0.12", podIPs: [{ ip: "10.244.0.12" }], conditions: [{ type: "Ready", status: "True" }] } }, "application/merge-patch+json");
    await event("pods", { kind: "Pod", name: "web", uid: pod.metadata.uid, apiVersion: "v1" }, "Scheduled", "Successfully assigned pods/web to node-a");
    const other = JSON.parse(await k.ok(["-n", "pods", "get", "pod", "other", "-o", "json"]));
    await event("pods", { kind: "Pod", name: "other", uid: other.metadata.uid, apiVersion: "v1" }, "Pulled", "not about web");
    const out = await k.ok(["-n", "pods", "describe", "pod", "web"]);
    expect(out).toMatch(/^Name:\s+web$/m);
    expect(out).toMatch(/^Namespace:\s+pods$/m);
    expect(out).toMatch(/^Node:\s+node-a\/$/m);
    expect(out).toMatch(/^Labels:\s+app=web$/m);
    expect(out).toMatch(/^Status:\s+Running$/m);
    expect(out).toMatch(/^IP:\s+10\.244\.0\.12$/m);
    expect(out).toMatch(/^\s+Image:\s+nginx:1\.25$/m);
    expect(out).toMatch(/^\s+Port:\s+80\/TCP$/m);
    expect(out).toMatch(/^QoS Class:\s+BestEffort$/m);
    expect(out).toMatch(/^\s+Normal\s+Scheduled\s+\d+s\s+kitbash-test\s+Successfully assigned pods\/web to node-a$/m);
    expect(out).not.toContain("not about web");
  });

  it("`kubectl describe deployment` shows replicas, the rolling-update strategy and the pod template", async () => {
    await k.ok(["create", "namespace", "deploys"]);
    await k.ok(["-n", "deploys", "create", "deployment", "api", "--image=nginx:1.25", "--replicas=3"]);
    const out = await k.ok(["-n", "deploys", "describe", "deployment", "api"]);
    expect(out).toMatch(/^Name:\s+api$/m);
    expect(out).toMatch(/^Selector:\s+app=api$/m);
    expect(out).toMatch(/^Replicas:\s+3 desired \| 0 updated \| 0 total \| 0 available \| 0 unavailable$/m);
    expect(out).toMatch(/^StrategyType:\s+RollingUpdate$/m);
    expect(out).toMatch(/^RollingUpdateStrategy:\s+25% max unavailable, 25% max surge$/m);
    expect(out).toMatch(/^\s+nginx:\n\s+Image:\s+nginx:1\.25$/m);
    expect(out).toMatch(/^Events:\s+<none>$/m);
  });

  it("`kubectl describe service` shows the cluster IP, ports and the endpoints from its EndpointSlices", async () => {
    await k.ok(["create", "namespace", "svcs"]);
    await k.ok(["-n", "svcs", "create", "service", "clusterip", "web", "--tcp=80:8080"]);
    // What the endpointslice controller would write for two ready pods.
    await k.api("POST", "/apis/discovery.k8s.io/v1/namespaces/svcs/endpointslices", {
      metadata: { name: "web-abc12", labels: { "kubernetes.io/service-name": "web" } },
      addressType: "IPv4",
      endpoints: [{ addresses: ["10.244.0.5"], conditions: { ready: true } }, { addresses: ["10.244.0.6"], conditions: { ready: true } }],
      ports: [{ name: "80-8080", port: 8080, protocol: "TCP" }],
    });
    const ip = await k.ok(["-n", "svcs", "get", "service", "web", "-o", "jsonpath={.spec.clusterIP}"]);
    const out = await k.ok(["-n", "svcs", "describe", "service", "web"]);
    expect(out).toMatch(/^Type:\s+ClusterIP$/m);
    expect(out).toMatch(new RegExp(`^IP:\\s+${ip.replace(/\./g, "\\.")}$`, "m"));
    expect(out).toMatch(/^Port:\s+80-8080\s+80\/TCP$/m);
    expect(out).toMatch(/^TargetPort:\s+8080\/TCP$/m);
    expect(out).toMatch(/^Endpoints:\s+10\.244\.0\.5:8080,10\.244\.0\.6:8080$/m);
    expect(out).toMatch(/^Session Affinity:\s+None$/m);
    const port = new URL(k.cluster.url).port;
    expect(await k.ok(["describe", "service", "kubernetes"])).toMatch(new RegExp(`^Endpoints:\\s+127\\.0\\.0\\.1:${port}$`, "m"));
  });

  it("`kubectl describe node` shows the node's conditions, capacity, system info, lease and the pods on it", async () => {
    await k.api("POST", "/api/v1/nodes", { metadata: { name: "worker-1", labels: { "kubernetes.io/hostname": "worker-1", "node-role.kubernetes.io/worker": "" } }, spec: { podCIDR: "10.244.3.0/24", taints: [{ key: "dedicated", value: "gpu", effect: "NoSchedule" }] } });
    await k.api("PATCH", "/api/v1/nodes/worker-1/status", {
      status: {
        capacity: { cpu: "4", memory: "8Gi", pods: "110" },
        allocatable: { cpu: "3800m", memory: "7Gi", pods: "110" },
        conditions: [{ type: "Ready", status: "True", reason: "KubeletReady", message: "kubelet is posting ready status", lastHeartbeatTime: now(), lastTransitionTime: now() }],
        addresses: [{ type: "InternalIP", address: "192.168.1.21" }, { type: "Hostname", address: "worker-1" }],
        nodeInfo: { machineID: "m1", systemUUID: "s1", bootID: "b1", kernelVersion: "6.1.0", osImage: "Debian GNU/Linux 12", containerRuntimeVersion: "containerd://1.7.0", kubeletVersion: "v1.32.4", kubeProxyVersion: "", operatingSystem: "linux", architecture: "amd64" },
      },
    }, "application/merge-patch+json");
    await k.api("POST", "/apis/coordination.k8s.io/v1/namespaces/kube-node-lease/leases", { metadata: { name: "worker-1" }, spec: { holderIdentity: "worker-1", leaseDurationSeconds: 40, renewTime: new Date().toISOString().replace("Z", "000Z").replace(/(\.\d{6})\d*Z$/, "$1Z") } });
    await k.ok(["run", "gpu-job", "--image=busybox:1.36", "--overrides", JSON.stringify({ spec: { nodeName: "worker-1", containers: [{ name: "gpu-job", image: "busybox:1.36", resources: { requests: { cpu: "500m", memory: "1Gi" } } }] } })]);
    const out = await k.ok(["describe", "node", "worker-1"]);
    expect(out).toMatch(/^Name:\s+worker-1$/m);
    expect(out).toMatch(/^Roles:\s+worker$/m);
    expect(out).toMatch(/^Taints:\s+dedicated=gpu:NoSchedule$/m);
    expect(out).toMatch(/^\s+HolderIdentity:\s+worker-1$/m);
    expect(out).toMatch(/^\s+Ready\s+True\s+.*KubeletReady\s+kubelet is posting ready status$/m);
    expect(out).toMatch(/^\s+InternalIP:\s+192\.168\.1\.21$/m);
    expect(out).toMatch(/^Capacity:\n\s+cpu:\s+4\n\s+memory:\s+8Gi\n\s+pods:\s+110$/m);
    expect(out).toMatch(/^\s+Kernel Version:\s+6\.1\.0$/m);
    expect(out).toMatch(/^PodCIDR:\s+10\.244\.3\.0\/24$/m);
    expect(out).toMatch(/^Non-terminated Pods:\s+\(1 in total\)$/m);
    expect(out).toMatch(/^\s+default\s+gpu-job\s+500m \(13%\)\s+0 \(0%\)\s+1Gi \(14%\)\s+0 \(0%\)/m);
    expect(out).toMatch(/^\s+cpu\s+500m \(13%\)\s+0 \(0%\)$/m);
  });

  it("`kubectl describe namespace` shows status, labels, quotas and limit ranges", async () => {
    await k.ok(["create", "namespace", "quota"]);
    await k.ok(["-n", "quota", "create", "quota", "small", "--hard=pods=10,configmaps=5"]);
    // What the resource quota controller would report; quota admission refuses writes until then,
    // and charges each write it admits.
    await k.api("PATCH", "/api/v1/namespaces/quota/resourcequotas/small/status", { status: { hard: { pods: "10", configmaps: "5" }, used: { pods: "0", configmaps: "0" } } }, "application/merge-patch+json");
    await k.ok(["-n", "quota", "create", "configmap", "one"]);
    await k.api("POST", "/api/v1/namespaces/quota/limitranges", { metadata: { name: "defaults" }, spec: { limits: [{ type: "Container", default: { cpu: "500m" }, defaultRequest: { cpu: "100m" } }] } });
    const out = await k.ok(["describe", "namespace", "quota"]);
    expect(out).toMatch(/^Name:\s+quota$/m);
    expect(out).toMatch(/^Labels:\s+kubernetes\.io\/metadata\.name=quota$/m);
    expect(out).toMatch(/^Status:\s+Active$/m);
    expect(out).toMatch(/^Resource Quotas\n\s+Name:\s+small\n\s+Resource\s+Used\s+Hard\n\s+--------\s+---\s+---\n\s+configmaps\s+1\s+5\n\s+pods\s+0\s+10$/m);
    expect(out).toMatch(/^ Container\s+cpu\s+-\s+-\s+100m\s+500m\s+-$/m);
  });
});
