import type { PluginManifest } from "../core/kernel/define-plugin.js";
import alwaysAllow from "./apiserver/authorization/always-allow/index.js";
import alwaysDeny from "./apiserver/authorization/always-deny/index.js";
import anonymous from "./apiserver/authentication/anonymous/index.js";
import x509 from "./apiserver/authentication/x509/index.js";
import tokenFile from "./apiserver/authentication/token-file/index.js";
import garbageCollector from "./controller-manager/controllers/garbagecollector/index.js";
import namespaceController from "./controller-manager/controllers/namespace/index.js";
import serviceAccountController from "./controller-manager/controllers/serviceaccount/index.js";
import replicaSetController from "./controller-manager/controllers/replicaset/index.js";
import replicationController from "./controller-manager/controllers/replicationcontroller/index.js";
import deploymentController from "./controller-manager/controllers/deployment/index.js";
import endpointsController from "./controller-manager/controllers/endpoints/index.js";
import endpointSliceController from "./controller-manager/controllers/endpointslice/index.js";
import nodeLifecycleController from "./controller-manager/controllers/nodelifecycle/index.js";
import nodeIpamController from "./controller-manager/controllers/nodeipam/index.js";
import endpointSliceMirroringController from "./controller-manager/controllers/endpointslicemirroring/index.js";
import jobController from "./controller-manager/controllers/job/index.js";
import cronJobController from "./controller-manager/controllers/cronjob/index.js";
import ttlAfterFinishedController from "./controller-manager/controllers/ttl-after-finished/index.js";
import statefulSetController from "./controller-manager/controllers/statefulset/index.js";
import disruptionController from "./controller-manager/controllers/disruption/index.js";
import daemonSetController from "./controller-manager/controllers/daemonset/index.js";
import etcd3 from "./apiserver/storage/etcd3/index.js";
import memory from "./apiserver/storage/memory/index.js";
import sqlite from "./apiserver/storage/sqlite/index.js";
import clusterDns from "./addons/dns/cluster-dns/index.js";
import hostNetwork from "./runtime/network/host/index.js";
import cniNetwork from "./runtime/network/cni/index.js";
import iptablesMode from "./proxy/mode/iptables/index.js";
import nftablesMode from "./proxy/mode/nftables/index.js";
import ipvsMode from "./proxy/mode/ipvs/index.js";
import noneMode from "./proxy/mode/none/index.js";
import csrSigning from "./controller-manager/controllers/csrsigning/index.js";
import csrApproving from "./controller-manager/controllers/csrapproving/index.js";
import bootstrapSigner from "./controller-manager/controllers/bootstrapsigner/index.js";
import tokenCleaner from "./controller-manager/controllers/tokencleaner/index.js";
import rbac from "./apiserver/authorization/rbac/index.js";
import serviceAccountToken from "./apiserver/authentication/service-account-token/index.js";
import nodeAuthorizer from "./apiserver/authorization/node/index.js";
import bootstrapToken from "./apiserver/authentication/bootstrap-token/index.js";
import oidc from "./apiserver/authentication/oidc/index.js";
import tokenWebhook from "./apiserver/authentication/webhook/index.js";
import serviceAccountTokenController from "./controller-manager/controllers/serviceaccount-token/index.js";
import webhookAuthorizer from "./apiserver/authorization/webhook/index.js";
import clusterRoleAggregation from "./controller-manager/controllers/clusterrole-aggregation/index.js";

import simulatedNodes from "./node/nodes/simulated/index.js";
import processRuntime from "./kubelet/runtime/process/index.js";
import rootCaCertPublisher from "./controller-manager/controllers/root-ca-cert-publisher/index.js";

import defaultBinder from "./scheduler/bind/default-binder/index.js";
import interPodAffinity from "./scheduler/filter/inter-pod-affinity/index.js";
import nodeAffinity from "./scheduler/filter/node-affinity/index.js";
import nodeName from "./scheduler/filter/node-name/index.js";
import nodePorts from "./scheduler/filter/node-ports/index.js";
import nodeResourcesFit from "./scheduler/filter/node-resources-fit/index.js";
import nodeUnschedulable from "./scheduler/filter/node-unschedulable/index.js";
import podTopologySpread from "./scheduler/filter/pod-topology-spread/index.js";
import taintToleration from "./scheduler/filter/taint-toleration/index.js";
import volumeRestrictions from "./scheduler/filter/volume-restrictions/index.js";
import defaultPreemption from "./scheduler/postFilter/default-preemption/index.js";
import volumeBinding from "./scheduler/preFilter/volume-binding/index.js";
import schedulingGates from "./scheduler/preEnqueue/scheduling-gates/index.js";
import prioritySort from "./scheduler/queueSort/priority-sort/index.js";
import imageLocality from "./scheduler/score/image-locality/index.js";
import balancedAllocation from "./scheduler/score/node-resources-balanced-allocation/index.js";
import containerdRuntime from "./kubelet/runtime/containerd/index.js";
import execProbe from "./kubelet/probes/exec/index.js";
import httpGetProbe from "./kubelet/probes/http-get/index.js";
import tcpSocketProbe from "./kubelet/probes/tcp-socket/index.js";
import configMapVolume from "./kubelet/volumes/config-map/index.js";
import emptyDirVolume from "./kubelet/volumes/empty-dir/index.js";
import hostPathVolume from "./kubelet/volumes/host-path/index.js";
import projectedVolume from "./kubelet/volumes/projected/index.js";
import secretVolume from "./kubelet/volumes/secret/index.js";
import auditLog from "./apiserver/audit/audit-log/index.js";
import auditWebhook from "./apiserver/audit/audit-webhook/index.js";
import podSecurity from "./apiserver/admission/pod-security/index.js";
import mutatingWebhook from "./apiserver/admission/mutating-webhook/index.js";
import validatingWebhook from "./apiserver/admission/validating-webhook/index.js";
import namespaceLifecycle from "./apiserver/admission/namespace-lifecycle/index.js";
import defaultTolerationSeconds from "./apiserver/admission/default-toleration-seconds/index.js";
import priority from "./apiserver/admission/priority/index.js";
import serviceAccountAdmission from "./apiserver/admission/service-account/index.js";
import defaultStorageClass from "./apiserver/admission/default-storage-class/index.js";
import limitRanger from "./apiserver/admission/limit-ranger/index.js";
import nodeRestriction from "./apiserver/admission/node-restriction/index.js";
import resourceQuotaAdmission from "./apiserver/admission/resource-quota/index.js";
import resourceQuotaController from "./controller-manager/controllers/resourcequota/index.js";

/** API server admission plugins and audit sinks, and the quota controller that admission relies on. */
const admissionAndAuditPlugins: readonly PluginManifest[] = [
  auditLog,
  auditWebhook,
  defaultStorageClass,
  defaultTolerationSeconds,
  limitRanger,
  mutatingWebhook,
  namespaceLifecycle,
  nodeRestriction,
  podSecurity,
  priority,
  resourceQuotaAdmission,
  resourceQuotaController,
  serviceAccountAdmission,
  validatingWebhook,
];

/** Scheduler plugins: upstream's default set (KubeSchedulerConfiguration v1). */
const schedulerPlugins: readonly PluginManifest[] = [
  balancedAllocation,
  defaultBinder,
  defaultPreemption,
  imageLocality,
  interPodAffinity,
  nodeAffinity,
  nodeName,
  nodePorts,
  nodeResourcesFit,
  nodeUnschedulable,
  podTopologySpread,
  prioritySort,
  schedulingGates,
  taintToleration,
  volumeBinding,
  volumeRestrictions,
];

/** Kubelet plugins: the CRI runtime, probe handlers and volume sources. */
const kubeletPlugins: readonly PluginManifest[] = [configMapVolume, containerdRuntime, emptyDirVolume, execProbe, hostPathVolume, httpGetProbe, projectedVolume, secretVolume, tcpSocketProbe];

/** Every built-in plugin manifest, sorted by name. Manifests load their implementations lazily. */
export const builtinPlugins: readonly PluginManifest[] = [
  alwaysAllow,
  alwaysDeny,
  anonymous,
  etcd3,
  memory,
  sqlite,
  x509,
  tokenFile,
  garbageCollector,
  namespaceController,
  serviceAccountController,
  replicaSetController,
  replicationController,
  deploymentController,
  clusterDns,
  hostNetwork,
  cniNetwork,
  iptablesMode,
  nftablesMode,
  ipvsMode,
  noneMode,
  csrSigning,
  csrApproving,
  bootstrapSigner,
  tokenCleaner,
  rbac,
  clusterRoleAggregation,
  serviceAccountToken,
  nodeAuthorizer,
  bootstrapToken,
  oidc,
  tokenWebhook,
  endpointsController,
  endpointSliceController,
  nodeLifecycleController,
  nodeIpamController,
  endpointSliceMirroringController,
  serviceAccountTokenController,
  webhookAuthorizer,
  jobController,
  cronJobController,
  ttlAfterFinishedController,
  statefulSetController,
  disruptionController,
  daemonSetController,
  ...schedulerPlugins,
  ...admissionAndAuditPlugins,
  simulatedNodes,
  processRuntime,
  rootCaCertPublisher,
  ...kubeletPlugins,
].sort((a, b) => a.name.localeCompare(b.name));
