import type { PluginManifest } from "../core/kernel/define-plugin.js";
import alwaysAllow from "./apiserver/authorization/always-allow/index.js";
import alwaysDeny from "./apiserver/authorization/always-deny/index.js";
import anonymous from "./apiserver/authentication/anonymous/index.js";
import x509 from "./apiserver/authentication/x509/index.js";
import garbageCollector from "./controller-manager/controllers/garbagecollector/index.js";
import namespaceController from "./controller-manager/controllers/namespace/index.js";
import serviceAccountController from "./controller-manager/controllers/serviceaccount/index.js";
import etcd3 from "./apiserver/storage/etcd3/index.js";
import memory from "./apiserver/storage/memory/index.js";
import sqlite from "./apiserver/storage/sqlite/index.js";

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
export const builtinPlugins: readonly PluginManifest[] = [alwaysAllow, alwaysDeny, anonymous, etcd3, memory, sqlite, x509, garbageCollector, namespaceController, serviceAccountController, ...schedulerPlugins, ...kubeletPlugins].sort((a, b) => a.name.localeCompare(b.name));
