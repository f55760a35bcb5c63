import { fieldInvalid, fieldNotSupported, fieldRequired, invalid, type FieldCause } from "../../api/status.js";
import type { KubeObj, Strategy } from "../registry/strategy.js";
import type { RangeAllocator } from "./allocator.js";

const TYPES = ["ClusterIP", "NodePort", "LoadBalancer", "ExternalName"];

function needsNodePorts(svc: KubeObj): boolean {
  return svc.spec?.type === "NodePort" || (svc.spec?.type === "LoadBalancer" && svc.spec?.allocateLoadBalancerNodePorts !== false);
}

function needsClusterIP(svc: KubeObj): boolean {
  return svc.spec?.type !== "ExternalName" && svc.spec?.clusterIP !== "None";
}

function defaults(svc: KubeObj): void {
  const spec = (svc.spec ??= {});
  spec.type ??= "ClusterIP";
  if (spec.type !== "ExternalName") {
    spec.sessionAffinity ??= "None";
    spec.internalTrafficPolicy ??= "Cluster";
    spec.ipFamilies ??= ["IPv4"];
    spec.ipFamilyPolicy ??= "SingleStack";
  }
  if (spec.type === "NodePort" || spec.type === "LoadBalancer") spec.externalTrafficPolicy ??= "Cluster";
  for (const p of spec.ports ?? []) {
    p.protocol ??= "TCP";
    if (p.targetPort === undefined && spec.clusterIP !== "None") p.targetPort = p.port;
  }
}

function validate(svc: KubeObj): FieldCause[] {
  const causes: FieldCause[] = [];
  const spec = svc.spec ?? {};
  if (!TYPES.includes(spec.type)) causes.push(fieldNotSupported("spec.type", spec.type, TYPES));
  if (spec.type === "ExternalName" && !spec.externalName) causes.push(fieldRequired("spec.externalName"));
  const ports: any[] = spec.ports ?? [];
  if (spec.type !== "ExternalName" && spec.clusterIP !== "None" && ports.length === 0) causes.push(fieldRequired("spec.ports"));
  const seen = new Set<string>();
  ports.forEach((p, i) => {
    if (!Number.isInteger(p.port) || p.port < 1 || p.port > 65535) causes.push(fieldInvalid(`spec.ports[${i}].port`, p.port, "must be between 1 and 65535, inclusive"));
    if (ports.length > 1 && !p.name) causes.push(fieldRequired(`spec.ports[${i}].name`));
    const k = `${p.port}/${p.protocol}`;
    if (seen.has(k)) causes.push({ reason: "FieldValueDuplicate", field: `spec.ports[${i}]`, message: `Duplicate value: ${JSON.stringify({ port: p.port, protocol: p.protocol })}` });
    seen.add(k);
    if (!["TCP", "UDP", "SCTP"].includes(p.protocol)) causes.push(fieldNotSupported(`spec.ports[${i}].protocol`, p.protocol, ["SCTP", "TCP", "UDP"]));
  });
  return causes;
}

/**
 * Services: defaults as upstream, a ClusterIP from the service CIDR and node ports
 * from the node-port range, claimed in storage so nothing is handed out twice, and
 * released when the Service goes.
 */
export function serviceStrategy(ips: RangeAllocator, ports: RangeAllocator & { range: string }): Strategy {
  const owner = (svc: KubeObj) => `${svc.metadata.namespace}/${svc.metadata.name}`;
  return {
    nameRule: "label",
    prepareForCreate(svc) {
      defaults(svc);
      svc.status = { loadBalancer: {} };
    },
    prepareForUpdate(svc, old) {
      defaults(svc);
      // Allocated values survive an update that leaves them out (kubectl apply does).
      if (!svc.spec.clusterIP && old.spec?.clusterIP && needsClusterIP(svc)) svc.spec.clusterIP = old.spec.clusterIP;
      if (!svc.spec.clusterIPs && old.spec?.clusterIPs && svc.spec.clusterIP === old.spec.clusterIP) svc.spec.clusterIPs = old.spec.clusterIPs;
      for (const p of svc.spec.ports ?? []) {
        if (p.nodePort === undefined && needsNodePorts(svc)) {
          const prev = (old.spec?.ports ?? []).find((q: any) => q.port === p.port && q.protocol === p.protocol);
          if (prev?.nodePort) p.nodePort = prev.nodePort;
        }
      }
    },
    validate: (svc) => validate(svc),
    validateUpdate(svc, old) {
      const causes = validate(svc);
      if (old.spec?.clusterIP && needsClusterIP(old) && needsClusterIP(svc) && svc.spec.clusterIP !== old.spec.clusterIP) {
        causes.push(fieldInvalid("spec.clusterIPs[0]", svc.spec.clusterIP, "may not change once set"));
      }
      return causes;
    },
    async reserve(svc, old) {
      const claimed: (() => Promise<void>)[] = [];
      const undo = async () => {
        for (const u of claimed) await u();
      };
      const spec = svc.spec;
      const oldIP = old && needsClusterIP(old) ? old.spec?.clusterIP : undefined;
      if (needsClusterIP(svc) && (!spec.clusterIP || spec.clusterIP !== oldIP)) {
        if (spec.clusterIP) {
          if (!ips.contains(spec.clusterIP)) {
            throw invalidService(svc, [fieldInvalid("spec.clusterIPs", [spec.clusterIP], "failed to allocate IP " + spec.clusterIP + ": provided IP is not in the valid range. The range of valid IPs is the service CIDR")]);
          }
          if (!(await ips.claim(spec.clusterIP, owner(svc)))) {
            throw invalidService(svc, [fieldInvalid("spec.clusterIPs", [spec.clusterIP], `failed to allocate IP ${spec.clusterIP}: provided IP is already allocated`)]);
          }
        } else {
          const ip = await ips.next(owner(svc));
          if (!ip) throw invalidService(svc, [fieldInvalid("spec.clusterIPs", [], "failed to allocate a serviceIP: range is full")]);
          spec.clusterIP = ip;
        }
        const ip = spec.clusterIP;
        claimed.push(() => ips.release(ip));
      }
      if (needsClusterIP(svc)) spec.clusterIPs = [spec.clusterIP];
      else if (spec.clusterIP === "None") spec.clusterIPs = ["None"];
      if (needsNodePorts(svc)) {
        const held = new Set<number>((old?.spec?.ports ?? []).map((p: any) => p.nodePort).filter(Boolean));
        for (const [i, p] of (spec.ports ?? []).entries()) {
          if (p.nodePort && held.has(p.nodePort)) continue;
          if (p.nodePort) {
            if (!ports.contains(String(p.nodePort))) {
              await undo();
              throw invalidService(svc, [fieldInvalid(`spec.ports[${i}].nodePort`, p.nodePort, `provided port is not in the valid range. The range of valid ports is ${ports.range}`)]);
            }
            if (!(await ports.claim(String(p.nodePort), owner(svc)))) {
              await undo();
              throw invalidService(svc, [fieldInvalid(`spec.ports[${i}].nodePort`, p.nodePort, "provided port is already allocated")]);
            }
          } else {
            const port = await ports.next(owner(svc));
            if (!port) {
              await undo();
              throw invalidService(svc, [fieldInvalid(`spec.ports[${i}].nodePort`, 0, "range is full")]);
            }
            p.nodePort = Number(port);
          }
          const np = String(p.nodePort);
          claimed.push(() => ports.release(np));
        }
      }
      return undo;
    },
    async release(svc, next) {
      const keepIP = next && needsClusterIP(next) ? next.spec.clusterIP : undefined;
      if (needsClusterIP(svc) && svc.spec?.clusterIP && svc.spec.clusterIP !== keepIP) await ips.release(svc.spec.clusterIP);
      const keepPorts = new Set<number>(next && needsNodePorts(next) ? (next.spec.ports ?? []).map((p: any) => p.nodePort) : []);
      for (const p of svc.spec?.ports ?? []) if (p.nodePort && !keepPorts.has(p.nodePort)) await ports.release(String(p.nodePort));
    },
  };
}

function invalidService(svc: KubeObj, causes: FieldCause[]) {
  return invalid({ group: "", kind: "Service" }, svc.metadata.name, causes);
}
