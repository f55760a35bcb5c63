import { describe, expect, it } from "vitest";
import { LimitRanger } from "../../../../plugins/apiserver/admission/limit-ranger/limit-ranger.js";
import { ResourceQuotaAdmission } from "../../../../plugins/apiserver/admission/resource-quota/resource-quota.js";
import { NodeRestriction } from "../../../../plugins/apiserver/admission/node-restriction/node-restriction.js";
import { admissionRequest, handleWith } from "./fake-request.js";

const NODE = { name: "system:node:n1", groups: ["system:nodes", "system:authenticated"] };

describe("NodeRestriction", () => {
  const plugin = new NodeRestriction(handleWith({ "pods/ns/theirs": { spec: { nodeName: "n2" } }, "pods/ns/mine": { spec: { nodeName: "n1" } } }));
  it.each([
    ["its own node's status", { operation: "UPDATE", resource: "nodes", name: "n1", subresource: "status", object: { metadata: { name: "n1" } }, oldObject: { metadata: { name: "n1" } } }, undefined],
    ["another node", { operation: "UPDATE", resource: "nodes", name: "n2", object: { metadata: { name: "n2" } } }, 'nodes "n2" is forbidden: node "n1" is not allowed to modify node "n2"'],
    ["a restricted label", { operation: "UPDATE", resource: "nodes", name: "n1", object: { metadata: { labels: { "node-restriction.kubernetes.io/zone": "a" } } }, oldObject: { metadata: {} } }, 'nodes "n1" is forbidden: is not allowed to modify labels: node-restriction.kubernetes.io/zone'],
    ["its taints", { operation: "UPDATE", resource: "nodes", name: "n1", object: { metadata: {}, spec: { taints: [] } }, oldObject: { metadata: {}, spec: { taints: [{ key: "k", effect: "NoSchedule" }] } } }, 'nodes "n1" is forbidden: node "n1" is not allowed to modify taints'],
    ["a mirror pod bound to itself", { operation: "CREATE", resource: "pods", namespace: "ns", name: "m", object: { metadata: { annotations: { "kubernetes.io/config.mirror": "x" } }, spec: { nodeName: "n1" } } }, undefined],
    ["a pod that is not a mirror pod", { operation: "CREATE", resource: "pods", namespace: "ns", name: "m", object: { metadata: {}, spec: { nodeName: "n1" } } }, 'pods "m" is forbidden: pod does not have "kubernetes.io/config.mirror" annotation, node "n1" can only create mirror pods'],
    ["a mirror pod mounting a secret", { operation: "CREATE", resource: "pods", namespace: "ns", name: "m", object: { metadata: { annotations: { "kubernetes.io/config.mirror": "x" } }, spec: { nodeName: "n1", volumes: [{ name: "s", secret: {} }] } } }, 'pods "m" is forbidden: node "n1" can not create pods that reference secrets'],
    ["status of another node's pod", { operation: "UPDATE", resource: "pods", namespace: "ns", name: "theirs", subresource: "status", object: { spec: { nodeName: "n2" } } }, 'pods "theirs" is forbidden: node "n1" can only update pod status for pods with spec.nodeName set to itself'],
    ["evicting another node's pod", { operation: "CREATE", resource: "pods", namespace: "ns", name: "theirs", subresource: "eviction", object: {} }, 'pods "theirs" is forbidden: node "n1" can only evict pods with spec.nodeName set to itself'],
    ["evicting its own pod", { operation: "CREATE", resource: "pods", namespace: "ns", name: "mine", subresource: "eviction", object: {} }, undefined],
    ["another node's lease", { operation: "UPDATE", group: "coordination.k8s.io", resource: "leases", namespace: "kube-node-lease", name: "n2", object: {} }, 'leases.coordination.k8s.io "n2" is forbidden: can only access node lease with the same name as the requesting node'],
  ])("a node writing %s", async (_what, fields, refusal) => {
    const req = admissionRequest({ user: NODE, ...(fields as any) });
    if (refusal === undefined) await plugin.validate(req);
    else await expect(plugin.validate(req)).rejects.toThrow(refusal);
  });

  it("leaves other users alone", async () => {
    await plugin.validate(admissionRequest({ operation: "UPDATE", resource: "nodes", name: "n2", object: {} }));
  });
});

describe("LimitRanger", () => {
  const ranges = {
    "limitranges/ns/lr": { spec: { limits: [{ type: "Container", min: { cpu: "100m" }, max: { memory: "1Gi" }, maxLimitRequestRatio: { cpu: "2" }, defaultRequest: { memory: "64Mi" } }, { type: "Pod", max: { cpu: "3" } }] } },
  };
  const pod = (containers: object[]) => ({ metadata: { name: "p" }, spec: { containers } });

  it("defaults from the item's max and defaultRequest, then bounds each container and the pod", async () => {
    const plugin = new LimitRanger(handleWith(structuredClone(ranges)));
    const req = admissionRequest({ operation: "CREATE", resource: "pods", namespace: "ns", name: "p", object: pod([{ name: "a", resources: { requests: { cpu: "200m" }, limits: { cpu: "300m" } } }]) });
    await plugin.admit(req);
    expect(req.object!.spec.containers[0].resources).toEqual({ requests: { cpu: "200m", memory: "64Mi" }, limits: { cpu: "300m", memory: "1Gi" } });
    expect(req.object!.metadata.annotations["kubernetes.io/limit-ranger"]).toBe("LimitRanger plugin set: memory request for container a; memory limit for container a");
    await plugin.validate(req);
  });

  it("refuses with every broken bound, bracketed as upstream aggregates them", async () => {
    const plugin = new LimitRanger(handleWith(structuredClone(ranges)));
    const req = admissionRequest({
      operation: "CREATE",
      resource: "pods",
      namespace: "ns",
      name: "p",
      object: pod([
        { name: "a", resources: { requests: { cpu: "50m", memory: "1Mi" }, limits: { cpu: "2", memory: "2Gi" } } },
        { name: "b", resources: { requests: { cpu: "1", memory: "1Mi" }, limits: { cpu: "2", memory: "1Mi" } } },
      ]),
    });
    await expect(plugin.validate(req)).rejects.toThrow(
      'pods "p" is forbidden: [minimum cpu usage per Container is 100m, but request is 50m, maximum memory usage per Container is 1Gi, but limit is 2Gi, cpu max limit to request ratio per Container is 2, but provided ratio is 40.000000, maximum cpu usage per Pod is 3, but limit is 4]',
    );
  });
});

describe("ResourceQuota admission", () => {
  const quota = (used: Record<string, string> | undefined) => ({
    metadata: { name: "q", namespace: "ns" },
    spec: { hard: { pods: "2", "requests.cpu": "1", "requests.memory": "1Gi" } },
    ...(used ? { status: { hard: { pods: "2", "requests.cpu": "1", "requests.memory": "1Gi" }, used } } : {}),
  });
  const pod = (cpu: string, memory = "100Mi") => ({ metadata: { name: "p" }, spec: { containers: [{ name: "a", resources: { requests: { cpu, memory } } }] } });
  const create = (object: object, dryRun = false) => admissionRequest({ operation: "CREATE", resource: "pods", namespace: "ns", name: "p", object, dryRun });

  it("charges the quota's status.used when the pod fits, not on a dry run", async () => {
    const objects: Record<string, any> = { "resourcequotas/ns/q": quota({ pods: "1", "requests.cpu": "500m", "requests.memory": "512Mi" }) };
    const plugin = new ResourceQuotaAdmission(handleWith(objects));
    await plugin.validate(create(pod("250m"), true));
    expect(objects["resourcequotas/ns/q"].status.used.pods).toBe("1");
    await plugin.validate(create(pod("250m")));
    expect(objects["resourcequotas/ns/q"].status.used).toEqual({ pods: "2", "requests.cpu": "750m", "requests.memory": "612Mi" });
  });

  it("refuses an exceeding pod with upstream's message listing only what is exceeded", async () => {
    const plugin = new ResourceQuotaAdmission(handleWith({ "resourcequotas/ns/q": quota({ pods: "1", "requests.cpu": "800m", "requests.memory": "0" }) }));
    await expect(plugin.validate(create(pod("500m")))).rejects.toThrow('pods "p" is forbidden: exceeded quota: q, requested: requests.cpu=500m, used: requests.cpu=800m, limited: requests.cpu=1');
  });

  it("refuses while the status is unknown, and a pod not stating what the quota limits", async () => {
    await expect(new ResourceQuotaAdmission(handleWith({ "resourcequotas/ns/q": quota(undefined) })).validate(create(pod("1m")))).rejects.toThrow(
      "status unknown for quota: q, resources: pods, requests.cpu, requests.memory",
    );
    const bare = { metadata: { name: "p" }, spec: { containers: [{ name: "a" }, { name: "b" }] } };
    await expect(new ResourceQuotaAdmission(handleWith({ "resourcequotas/ns/q": quota({ pods: "0", "requests.cpu": "0", "requests.memory": "0" }) })).validate(create(bare))).rejects.toThrow(
      "failed quota: q: must specify requests.cpu for: a,b; requests.memory for: a,b",
    );
  });
});
