import { stringify } from "yaml";
import { StatusError } from "../api/status.js";
import type { UserInfo } from "./chains.js";
import type { Stores } from "./registry/stores.js";

const SYSTEM: UserInfo = { name: "system:apiserver", groups: ["system:masters"] };
const opts = { user: SYSTEM, dryRun: false, fieldManager: "kube-apiserver" };

/**
 * kube-public/cluster-info, as kubeadm's init publishes it: a kubeconfig naming this server and
 * the cluster CA, readable without credentials, so a joining node can find the cluster and (once
 * the bootstrapsigner has signed it with a bootstrap token) trust what it read. Signatures
 * already on it are kept; they go stale only if the kubeconfig changes, and the signer redoes them.
 */
export async function publishClusterInfo(stores: Stores, o: { server: string; caCert: string }): Promise<void> {
  const kubeconfig = stringify({
    apiVersion: "v1",
    kind: "Config",
    clusters: [{ cluster: { "certificate-authority-data": Buffer.from(o.caCert).toString("base64"), server: o.server }, name: "" }],
    contexts: null,
    "current-context": "",
    preferences: {},
    users: null,
  });
  const configMaps = await stores.for("", "v1", "configmaps");
  const current = await configMaps.tryGet("kube-public", "cluster-info");
  if (!current) {
    await create(stores, "", "v1", "configmaps", "kube-public", { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "cluster-info", namespace: "kube-public" }, data: { kubeconfig } });
  } else if (current.data?.kubeconfig !== kubeconfig) {
    await configMaps.guaranteedUpdate("kube-public", "cluster-info", opts, (cm) => ({ ...cm, data: { ...cm.data, kubeconfig } }));
  }
  // kubeadm's grant, so anonymous reads work under RBAC too.
  await create(stores, "rbac.authorization.k8s.io", "v1", "roles", "kube-public", {
    apiVersion: "rbac.authorization.k8s.io/v1",
    kind: "Role",
    metadata: { name: "kubeadm:bootstrap-signer-clusterinfo", namespace: "kube-public" },
    rules: [{ apiGroups: [""], resources: ["configmaps"], resourceNames: ["cluster-info"], verbs: ["get"] }],
  });
  await create(stores, "rbac.authorization.k8s.io", "v1", "rolebindings", "kube-public", {
    apiVersion: "rbac.authorization.k8s.io/v1",
    kind: "RoleBinding",
    metadata: { name: "kubeadm:bootstrap-signer-clusterinfo", namespace: "kube-public" },
    roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "Role", name: "kubeadm:bootstrap-signer-clusterinfo" },
    subjects: [{ apiGroup: "rbac.authorization.k8s.io", kind: "User", name: "system:anonymous" }],
  });
}

async function create(stores: Stores, group: string, version: string, plural: string, namespace: string, obj: Record<string, any>): Promise<void> {
  try {
    await (await stores.for(group, version, plural)).create(namespace, obj as never, opts);
  } catch (err) {
    if (!(err instanceof StatusError && err.status.code === 409)) throw err;
  }
}
