import type { KubeClient } from "../client/index.js";
import type { Container, Pod, Probe, Volume } from "./api-types.js";
import type { RuntimeService } from "./cri/runtime-service.js";

/** A `runtime` plugin: connects the kubelet to one CRI server. */
export interface RuntimePlugin {
  connect(): Promise<RuntimeService>;
}

/** Where a volume plugin writes a pod's volume, and what it reads the cluster with. */
export interface VolumeContext {
  pod: Pod;
  volume: Volume;
  /** The folder this volume owns under the kubelet's pod folder; created before `setUp`. */
  dir: string;
  client: KubeClient;
}

export interface MountedVolume {
  /** What the runtime bind-mounts into containers. */
  hostPath: string;
  readOnly: boolean;
}

/**
 * A `volumes` plugin: one volume source (emptyDir, configMap, …). `setUp` runs before a pod's
 * containers start and again on every resync, so sources that follow API objects update in place.
 */
export interface VolumePlugin {
  /** Whether this plugin serves the volume (the source key it handles is set). */
  supports(volume: Volume): boolean;
  setUp(ctx: VolumeContext): Promise<MountedVolume>;
  /** Called once the pod is gone; the kubelet removes `dir` afterwards. */
  tearDown?(ctx: VolumeContext): Promise<void>;
}

export type ProbeResult = { result: "success" | "failure"; output?: string };

export interface ProbeContext {
  pod: Pod;
  container: Container;
  containerId: string;
  probe: Probe;
  podIP: string;
  timeoutSeconds: number;
  runtime: RuntimeService;
}

/** A `probes` plugin: one probe handler (exec, httpGet, tcpSocket, …). */
export interface ProbePlugin {
  supports(probe: Probe): boolean;
  probe(ctx: ProbeContext): Promise<ProbeResult>;
}
