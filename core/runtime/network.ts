/** A pod sandbox as the network plugin sees it. */
export interface SandboxNetworkRequest {
  id: string;
  name: string;
  namespace: string;
  uid: string;
  /** The sandbox's network namespace (`/var/run/netns/<name>`); absent when the plugin is not isolated. */
  netns?: string;
  portMappings: { protocol: string; containerPort: number; hostPort: number; hostIP: string }[];
}

/**
 * Pod networking for the embedded runtime, as a CRI runtime does it inside RunPodSandbox:
 * `cni` executes CNI plugins in the sandbox's own network namespace; `host` shares the host's.
 */
export interface PodNetwork {
  /** Whether sandboxes get their own network namespace (needs root). */
  readonly isolated: boolean;
  /** Wires the sandbox up; gives its addresses, the first being the pod IP. */
  setUp(sandbox: SandboxNetworkRequest): Promise<{ ips: string[] }>;
  /** Undoes setUp; must succeed when called again or for a sandbox never set up. */
  tearDown(sandbox: SandboxNetworkRequest): Promise<void>;
  /** The runtime's NetworkReady condition. */
  ready(): { ok: boolean; reason?: string; message?: string };
}
