import type {
  Container,
  ContainerConfig,
  ContainerState,
  ContainerStatus,
  ExecSyncResult,
  Image,
  Labels,
  PodSandbox,
  PodSandboxConfig,
  PodSandboxState,
  PodSandboxStatus,
  RuntimeCondition,
  VersionResponse,
} from "./types.js";

/**
 * What the kubelet asks of a container runtime: CRI v1's RuntimeService and ImageService.
 * Every `runtime` plugin gives one; the plugins differ only in which CRI server they reach.
 */
export interface RuntimeService {
  version(): Promise<VersionResponse>;
  status(): Promise<RuntimeCondition[]>;
  runPodSandbox(config: PodSandboxConfig): Promise<string>;
  stopPodSandbox(id: string): Promise<void>;
  removePodSandbox(id: string): Promise<void>;
  podSandboxStatus(id: string): Promise<PodSandboxStatus | undefined>;
  listPodSandbox(filter?: { state?: PodSandboxState; labels?: Labels }): Promise<PodSandbox[]>;
  createContainer(sandboxId: string, config: ContainerConfig, sandboxConfig: PodSandboxConfig): Promise<string>;
  startContainer(id: string): Promise<void>;
  stopContainer(id: string, timeoutSeconds: number): Promise<void>;
  removeContainer(id: string): Promise<void>;
  listContainers(filter?: { sandboxId?: string; state?: ContainerState; labels?: Labels }): Promise<Container[]>;
  containerStatus(id: string): Promise<ContainerStatus | undefined>;
  execSync(id: string, cmd: string[], timeoutSeconds: number): Promise<ExecSyncResult>;
  /** The runtime's streaming-server URL for an interactive exec. */
  exec(id: string, cmd: string[], opts: { tty: boolean; stdin: boolean; stdout: boolean; stderr: boolean }): Promise<string>;
  imageStatus(image: string): Promise<Image | undefined>;
  pullImage(image: string): Promise<string>;
  listImages(): Promise<Image[]>;
  close(): void;
}
