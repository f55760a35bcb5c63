import { isNotFound, Resources, type KubeClient, type KubeObject } from "../client/index.js";
import { parseQuantity } from "../api/quantity.js";
import type { Container, Pod } from "./api-types.js";

type DataObject = KubeObject & { data?: Record<string, string>; binaryData?: Record<string, string> };

/** Fetches ConfigMaps and Secrets once per resolution; a missing one is `undefined`. */
class ObjectSource {
  private readonly cache = new Map<string, Promise<DataObject | undefined>>();
  constructor(
    private readonly client: KubeClient,
    private readonly namespace: string,
  ) {}

  get(kind: "configmap" | "secret", name: string): Promise<DataObject | undefined> {
    const key = `${kind}/${name}`;
    let p = this.cache.get(key);
    if (!p) {
      const ref = kind === "configmap" ? Resources.configMaps : Resources.secrets;
      p = this.client
        .resource<DataObject>(ref, this.namespace)
        .get(name)
        .catch((err) => {
          if (isNotFound(err)) return undefined;
          throw err;
        });
      this.cache.set(key, p);
    }
    return p;
  }
}

/** A value a container cannot start without, as upstream names it in CreateContainerConfigError. */
export class ContainerConfigError extends Error {}

function decode(kind: "configmap" | "secret", obj: DataObject, key: string): string | undefined {
  const v = obj.data?.[key];
  if (v === undefined) return undefined;
  return kind === "secret" ? Buffer.from(v, "base64").toString("utf8") : v;
}

/** Reads a pod field as the downward API allows (metadata.name, labels['x'], status.podIP, …). */
export function podField(pod: Pod, path: string): string {
  const bracket = /^metadata\.(labels|annotations)\['(.+)'\]$/.exec(path);
  if (bracket) return (pod.metadata[bracket[1] as "labels" | "annotations"] ?? {})[bracket[2]!] ?? "";
  switch (path) {
    case "metadata.name":
      return pod.metadata.name ?? "";
    case "metadata.namespace":
      return pod.metadata.namespace ?? "";
    case "metadata.uid":
      return pod.metadata.uid ?? "";
    case "metadata.labels":
    case "metadata.annotations": {
      const m = pod.metadata[path.slice("metadata.".length) as "labels" | "annotations"] ?? {};
      return Object.entries(m)
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([k, v]) => `${k}=${JSON.stringify(v)}`)
        .join("\n");
    }
    case "spec.nodeName":
      return pod.spec.nodeName ?? "";
    case "spec.serviceAccountName":
      return pod.spec.serviceAccountName ?? "";
    case "status.hostIP":
      return pod.status?.hostIP ?? "";
    case "status.hostIPs":
      return (pod.status?.hostIPs ?? []).map((i) => i.ip).join(",");
    case "status.podIP":
      return pod.status?.podIP ?? "";
    case "status.podIPs":
      return (pod.status?.podIPs ?? []).map((i) => i.ip).join(",");
    default:
      throw new ContainerConfigError(`unsupported fieldRef ${path}`);
  }
}

/**
 * A container resource for the downward API: its limit (the node's allocatable when none is set)
 * or request, divided by `divisor` and rounded up, as upstream's ExtractContainerResourceValue.
 */
export function resourceField(container: Container, resource: string, divisor: string | undefined, allocatable: Record<string, string>): string {
  const [kind, name] = resource.split(".") as ["limits" | "requests", string];
  const set = container.resources?.[kind]?.[name] ?? (kind === "limits" ? allocatable[name] : undefined) ?? "0";
  return String(Math.ceil(parseQuantity(set) / parseQuantity(divisor ?? "1")));
}

/** Expands `$(VAR)` from earlier variables; `$$` escapes, unknown references stay as written. */
export function expand(text: string, vars: Map<string, string>): string {
  return text.replace(/\$\$|\$\(([A-Za-z_][A-Za-z0-9_.-]*)\)/g, (m, name: string | undefined) => (m === "$$" ? "$" : (vars.get(name!) ?? m)));
}

/** The container's environment in upstream's order: envFrom sources first, then env, each expanded. */
export async function resolveEnv(client: KubeClient, pod: Pod, container: Container, allocatable: Record<string, string>): Promise<Map<string, string>> {
  const source = new ObjectSource(client, pod.metadata.namespace ?? "default");
  const vars = new Map<string, string>();
  for (const from of container.envFrom ?? []) {
    const kind = from.configMapRef ? "configmap" : "secret";
    const ref = from.configMapRef ?? from.secretRef;
    if (!ref) continue;
    const obj = await source.get(kind, ref.name);
    if (!obj) {
      if (ref.optional) continue;
      throw new ContainerConfigError(`${kind} "${ref.name}" not found`);
    }
    for (const key of Object.keys(obj.data ?? {})) vars.set(`${from.prefix ?? ""}${key}`, decode(kind, obj, key)!);
  }
  for (const env of container.env ?? []) {
    const from = env.valueFrom;
    if (!from) {
      vars.set(env.name, expand(env.value ?? "", vars));
    } else if (from.fieldRef) {
      vars.set(env.name, podField(pod, from.fieldRef.fieldPath));
    } else if (from.resourceFieldRef) {
      const target = pod.spec.containers.find((c) => c.name === (from.resourceFieldRef!.containerName || container.name)) ?? container;
      vars.set(env.name, resourceField(target, from.resourceFieldRef.resource, from.resourceFieldRef.divisor, allocatable));
    } else {
      const kind = from.configMapKeyRef ? "configmap" : "secret";
      const ref = (from.configMapKeyRef ?? from.secretKeyRef)!;
      const obj = await source.get(kind, ref.name);
      const value = obj ? decode(kind, obj, ref.key) : undefined;
      if (value === undefined) {
        if (ref.optional) continue;
        throw new ContainerConfigError(obj ? `couldn't find key ${ref.key} in ${kind === "configmap" ? "ConfigMap" : "Secret"} ${pod.metadata.namespace}/${ref.name}` : `${kind} "${ref.name}" not found`);
      }
      vars.set(env.name, value);
    }
  }
  return vars;
}
