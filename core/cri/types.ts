/**
 * CRI v1 messages as the loader decodes them (snake_case names, int64 as number, enums as
 * their names, absent fields defaulted): the shapes both the kubelet and a runtime handle.
 */
export type ContainerStateName = "CONTAINER_CREATED" | "CONTAINER_RUNNING" | "CONTAINER_EXITED" | "CONTAINER_UNKNOWN";
export type PodSandboxStateName = "SANDBOX_READY" | "SANDBOX_NOTREADY";
export type NamespaceModeName = "POD" | "CONTAINER" | "NODE" | "TARGET";

export interface KeyValue {
  key: string;
  value: string;
}
export interface Mount {
  container_path: string;
  host_path: string;
  readonly: boolean;
  selinux_relabel?: boolean;
  propagation?: string;
}
export interface PortMapping {
  protocol: "TCP" | "UDP" | "SCTP";
  container_port: number;
  host_port: number;
  host_ip: string;
}
export interface DNSConfig {
  servers: string[];
  searches: string[];
  options: string[];
}
export interface NamespaceOption {
  network: NamespaceModeName;
  pid: NamespaceModeName;
  ipc: NamespaceModeName;
  target_id?: string;
}
export interface PodSandboxMetadata {
  name: string;
  uid: string;
  namespace: string;
  attempt: number;
}
export interface LinuxContainerResources {
  cpu_period: number;
  cpu_quota: number;
  cpu_shares: number;
  memory_limit_in_bytes: number;
  oom_score_adj: number;
  cpuset_cpus: string;
  cpuset_mems: string;
}
export interface PodSandboxConfig {
  metadata: PodSandboxMetadata | null;
  hostname: string;
  log_directory: string;
  dns_config: DNSConfig | null;
  port_mappings: PortMapping[];
  labels: Record<string, string>;
  annotations: Record<string, string>;
  linux: {
    cgroup_parent: string;
    security_context: { namespace_options: NamespaceOption | null; privileged: boolean; run_as_user?: { value: number } | null } | null;
    sysctls: Record<string, string>;
    resources?: LinuxContainerResources | null;
  } | null;
}
export interface ImageSpec {
  image: string;
  annotations: Record<string, string>;
}
export interface ContainerMetadata {
  name: string;
  attempt: number;
}
export interface ContainerConfig {
  metadata: ContainerMetadata | null;
  image: ImageSpec | null;
  command: string[];
  args: string[];
  working_dir: string;
  envs: KeyValue[];
  mounts: Mount[];
  labels: Record<string, string>;
  annotations: Record<string, string>;
  log_path: string;
  stdin: boolean;
  stdin_once: boolean;
  tty: boolean;
  linux: {
    resources: LinuxContainerResources | null;
    security_context: {
      privileged: boolean;
      namespace_options: NamespaceOption | null;
      run_as_user: { value: number } | null;
      run_as_group: { value: number } | null;
      readonly_rootfs: boolean;
      capabilities: { add_capabilities: string[]; drop_capabilities: string[] } | null;
    } | null;
  } | null;
}
export interface PodSandboxStatus {
  id: string;
  metadata: PodSandboxMetadata;
  state: PodSandboxStateName;
  created_at: number;
  network: { ip: string; additional_ips: { ip: string }[] } | null;
  linux: { namespaces: { options: NamespaceOption } } | null;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  runtime_handler: string;
}
export interface PodSandbox {
  id: string;
  metadata: PodSandboxMetadata;
  state: PodSandboxStateName;
  created_at: number;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  runtime_handler: string;
}
export interface Container {
  id: string;
  pod_sandbox_id: string;
  metadata: ContainerMetadata;
  image: ImageSpec;
  image_ref: string;
  state: ContainerStateName;
  created_at: number;
  labels: Record<string, string>;
  annotations: Record<string, string>;
}
export interface ContainerStatus {
  id: string;
  metadata: ContainerMetadata;
  state: ContainerStateName;
  created_at: number;
  started_at: number;
  finished_at: number;
  exit_code: number;
  image: ImageSpec;
  image_ref: string;
  reason: string;
  message: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  mounts: Mount[];
  log_path: string;
}
export interface Image {
  id: string;
  repo_tags: string[];
  repo_digests: string[];
  size: number;
  uid: { value: number } | null;
  username: string;
  spec: ImageSpec | null;
  pinned: boolean;
}
export interface RuntimeCondition {
  type: string;
  status: boolean;
  reason: string;
  message: string;
}
