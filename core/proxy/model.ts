/** One endpoint of a service port, as an EndpointSlice gives it. */
export interface Endpoint {
  ip: string;
  port: number;
  ready: boolean;
  serving: boolean;
  terminating: boolean;
  /** On this proxy's node (the slice's nodeName), for the Local traffic policies. */
  local: boolean;
}

export type Protocol = "TCP" | "UDP" | "SCTP";

/** A Service port with everything a mode needs to program it (upstream's ServicePort interface). */
export interface ServicePort {
  /** `namespace/name:portName`, upstream's ServicePortName.String() (no colon when the port is unnamed). */
  key: string;
  namespace: string;
  name: string;
  portName: string;
  protocol: Protocol;
  port: number;
  clusterIPs: string[];
  nodePort?: number;
  externalIPs: string[];
  loadBalancerIPs: string[];
  /** ClientIP session affinity's timeout; absent for affinity None. */
  affinitySeconds?: number;
  externalPolicyLocal: boolean;
  internalPolicyLocal: boolean;
  endpoints: Endpoint[];
}

/** Everything the proxy programs at one sync. */
export interface ProxyModel {
  nodeName: string;
  /** Addresses NodePorts answer on; empty means every local address. */
  nodePortAddresses: string[];
  /** Pod traffic comes from here; traffic from elsewhere to a ClusterIP is masqueraded. */
  clusterCIDR?: string;
  /** Sorted by key, so generated rules are stable. */
  services: ServicePort[];
}

export type IpFamily = 4 | 6;

export const familyOf = (ip: string): IpFamily => (ip.includes(":") ? 6 : 4);

/**
 * Upstream's CategorizeEndpoints: ready endpoints serve; when none is ready, serving terminating
 * ones do, so connections drain instead of failing. Local policies keep the node's own.
 */
export function usableEndpoints(eps: readonly Endpoint[], localOnly: boolean): Endpoint[] {
  const pool = localOnly ? eps.filter((e) => e.local) : eps;
  const ready = pool.filter((e) => e.ready);
  return ready.length ? ready : pool.filter((e) => e.serving && e.terminating);
}
