import type { Endpoint, ProxyModel, ServicePort } from "../../core/proxy/index.js";

export function endpoint(ip: string, over: Partial<Endpoint> = {}): Endpoint {
  return { ip, port: 80, ready: true, serving: true, terminating: false, local: false, ...over };
}

export function servicePort(over: Partial<ServicePort> & { name: string }): ServicePort {
  const namespace = over.namespace ?? "default";
  const portName = over.portName ?? "";
  return {
    key: `${namespace}/${over.name}${portName ? `:${portName}` : ""}`,
    namespace,
    portName,
    protocol: "TCP",
    port: 80,
    clusterIPs: ["10.96.0.10"],
    externalIPs: [],
    loadBalancerIPs: [],
    externalPolicyLocal: false,
    internalPolicyLocal: false,
    endpoints: [],
    ...over,
  };
}

export function model(services: ServicePort[], over: Partial<ProxyModel> = {}): ProxyModel {
  return { nodeName: "node-a", nodePortAddresses: [], clusterCIDR: "10.244.0.0/16", services, ...over };
}

/** A synthetic model: n services × k endpoints, as the benchmark programs. */
export function largeModel(n: number, k: number): ProxyModel {
  const services: ServicePort[] = [];
  for (let i = 0; i < n; i++) {
    const ip = `10.${96 + (i >> 16)}.${(i >> 8) & 255}.${i & 255}`;
    services.push(
      servicePort({
        name: `svc-${i}`,
        clusterIPs: [ip],
        endpoints: Array.from({ length: k }, (_, j) => endpoint(`10.${200 + (((i * k + j) >> 16) & 31)}.${((i * k + j) >> 8) & 255}.${(i * k + j) & 255}`)),
      }),
    );
  }
  return model(services);
}
