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
import clusterRoleAggregation from "./controller-manager/controllers/clusterrole-aggregation/index.js";

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
import auditLog from "./apiserver/audit/audit-log/index.js";
import auditWebhook from "./apiserver/audit/audit-webhook/index.js";
import podSecurity from "./apiserver/admission/pod-security/index.js";
import mutatingWebhook from "./apiserver/admission/mutating-webhook/index.js";
import validatingWebhook from "./apiserver/admission/validating-webhook/index.js";

/** API server admission plugins and audit sinks. */
const admissionAndAuditPlugins: readonly PluginManifest[] = [auditLog, auditWebhook, podSecurity, mutatingWebhook, validatingWebhook];

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
  ...schedulerPlugins,
  ...admissionAndAuditPlugins,
].sort((a, b) => a.name.localeCompare(b.name));
