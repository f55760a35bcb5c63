import type { ResourceRef } from "./types.js";

/** Coordinates of the built-in resources controllers use most; any other comes from discovery. */
export const Resources = {
  namespaces: { group: "", version: "v1", resource: "namespaces", namespaced: false, kind: "Namespace" },
  pods: { group: "", version: "v1", resource: "pods", namespaced: true, kind: "Pod" },
  nodes: { group: "", version: "v1", resource: "nodes", namespaced: false, kind: "Node" },
  services: { group: "", version: "v1", resource: "services", namespaced: true, kind: "Service" },
  endpoints: { group: "", version: "v1", resource: "endpoints", namespaced: true, kind: "Endpoints" },
  configMaps: { group: "", version: "v1", resource: "configmaps", namespaced: true, kind: "ConfigMap" },
  secrets: { group: "", version: "v1", resource: "secrets", namespaced: true, kind: "Secret" },
  serviceAccounts: { group: "", version: "v1", resource: "serviceaccounts", namespaced: true, kind: "ServiceAccount" },
  replicationControllers: { group: "", version: "v1", resource: "replicationcontrollers", namespaced: true, kind: "ReplicationController" },
  persistentVolumeClaims: { group: "", version: "v1", resource: "persistentvolumeclaims", namespaced: true, kind: "PersistentVolumeClaim" },
  coreEvents: { group: "", version: "v1", resource: "events", namespaced: true, kind: "Event" },
  events: { group: "events.k8s.io", version: "v1", resource: "events", namespaced: true, kind: "Event" },
  leases: { group: "coordination.k8s.io", version: "v1", resource: "leases", namespaced: true, kind: "Lease" },
  deployments: { group: "apps", version: "v1", resource: "deployments", namespaced: true, kind: "Deployment" },
  replicaSets: { group: "apps", version: "v1", resource: "replicasets", namespaced: true, kind: "ReplicaSet" },
  statefulSets: { group: "apps", version: "v1", resource: "statefulsets", namespaced: true, kind: "StatefulSet" },
  daemonSets: { group: "apps", version: "v1", resource: "daemonsets", namespaced: true, kind: "DaemonSet" },
  controllerRevisions: { group: "apps", version: "v1", resource: "controllerrevisions", namespaced: true, kind: "ControllerRevision" },
  jobs: { group: "batch", version: "v1", resource: "jobs", namespaced: true, kind: "Job" },
  cronJobs: { group: "batch", version: "v1", resource: "cronjobs", namespaced: true, kind: "CronJob" },
  endpointSlices: { group: "discovery.k8s.io", version: "v1", resource: "endpointslices", namespaced: true, kind: "EndpointSlice" },
  podDisruptionBudgets: { group: "policy", version: "v1", resource: "poddisruptionbudgets", namespaced: true, kind: "PodDisruptionBudget" },
  certificateSigningRequests: { group: "certificates.k8s.io", version: "v1", resource: "certificatesigningrequests", namespaced: false, kind: "CertificateSigningRequest" },
  subjectAccessReviews: { group: "authorization.k8s.io", version: "v1", resource: "subjectaccessreviews", namespaced: false, kind: "SubjectAccessReview" },
} as const satisfies Record<string, ResourceRef>;
