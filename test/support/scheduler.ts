import { createRootMetrics } from "../../core/kernel/metrics.js";
import { silentLogger } from "../../core/kernel/logging.js";
import { Registry } from "../../core/kernel/registry.js";
import { pluginCatalog } from "../../core/kernel/catalog.js";
import { validateAgainst } from "../../core/kernel/validate-args.js";
import type { Node, Pod, Taint, Toleration, TopologySpreadConstraint, Affinity, PodAffinityTerm } from "../../core/scheduler/api-types.js";
import { resolveKubeSchedulerConfiguration, type KubeSchedulerConfigurationV1 } from "../../core/scheduler/config/kube-scheduler-configuration.js";
import { CycleState } from "../../core/scheduler/cycle-state.js";
import type { SchedulerHandle } from "../../core/scheduler/handle.js";
import { MemoryCluster } from "../../core/scheduler/memory-cluster.js";
import { schedulerMetrics } from "../../core/scheduler/metrics.js";
import { NodeInfo, PodInfo } from "../../core/scheduler/node-info.js";
import { buildFrameworks } from "../../core/scheduler/profiles.js";
import { Scheduler } from "../../core/scheduler/scheduler.js";
import { SchedulerServices } from "../../core/scheduler/services.js";
import { Snapshot } from "../../core/scheduler/snapshot.js";
import type { PluginManifest } from "../../core/kernel/define-plugin.js";
import { schedulerComponent } from "../../core/scheduler/component.js";
import { builtinPlugins } from "../../plugins/builtins.js";

/** upstream's MakePod() builder, for table-driven plugin tests. */
export class PodBuilder {
  readonly pod: Pod;
  constructor(name: string) {
    this.pod = { metadata: { name, namespace: "default", uid: `uid-${name}`, labels: {} }, spec: { containers: [{ name: "c" }] } };
  }
  ns(ns: string) {
    this.pod.metadata.namespace = ns;
    return this;
  }
  label(k: string, v: string) {
    this.pod.metadata.labels![k] = v;
    return this;
  }
  /** Requests on the first container, or on a further container once the first has some. */
  req(requests: Record<string, string | number>) {
    const first = this.pod.spec.containers[0]!;
    if (!first.resources) {
      first.resources = { requests };
      return this;
    }
    this.pod.spec.containers.push({ name: `c${this.pod.spec.containers.length}`, resources: { requests } });
    return this;
  }
  init(requests: Record<string, string | number>, sidecar = false) {
    (this.pod.spec.initContainers ??= []).push({ name: `i${this.pod.spec.initContainers?.length ?? 0}`, resources: { requests }, ...(sidecar ? { restartPolicy: "Always" as const } : {}) });
    return this;
  }
  overhead(o: Record<string, string>) {
    this.pod.spec.overhead = o;
    return this;
  }
  node(n: string) {
    this.pod.spec.nodeName = n;
    return this;
  }
  priority(p: number) {
    this.pod.spec.priority = p;
    return this;
  }
  hostPort(port: number, protocol = "TCP", hostIP?: string) {
    this.pod.spec.containers[0]!.ports = [...(this.pod.spec.containers[0]!.ports ?? []), { containerPort: port, hostPort: port, protocol, ...(hostIP ? { hostIP } : {}) }];
    return this;
  }
  toleration(t: Toleration) {
    (this.pod.spec.tolerations ??= []).push(t);
    return this;
  }
  nodeSelector(sel: Record<string, string>) {
    this.pod.spec.nodeSelector = sel;
    return this;
  }
  affinity(a: Affinity) {
    this.pod.spec.affinity = { ...this.pod.spec.affinity, ...a };
    return this;
  }
  podAntiAffinity(term: PodAffinityTerm) {
    return this.affinity({ podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [term] } });
  }
  podAffinity(term: PodAffinityTerm) {
    return this.affinity({ podAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [term] } });
  }
  spread(c: TopologySpreadConstraint) {
    (this.pod.spec.topologySpreadConstraints ??= []).push(c);
    return this;
  }
  image(image: string) {
    this.pod.spec.containers[0]!.image = image;
    return this;
  }
  gate(name: string) {
    (this.pod.spec.schedulingGates ??= []).push({ name });
    return this;
  }
  schedulerName(n: string) {
    this.pod.spec.schedulerName = n;
    return this;
  }
  created(iso: string) {
    this.pod.metadata.creationTimestamp = iso;
    return this;
  }
  obj(): Pod {
    return structuredClone(this.pod);
  }
}
export const makePod = (name: string) => new PodBuilder(name);

export class NodeBuilder {
  readonly node: Node;
  constructor(name: string) {
    this.node = { metadata: { name, labels: { "kubernetes.io/hostname": name } }, spec: {}, status: { allocatable: { cpu: "4", memory: "8Gi", pods: 110 } } };
  }
  capacity(alloc: Record<string, string | number>) {
    this.node.status!.allocatable = { ...this.node.status!.allocatable, ...alloc };
    return this;
  }
  label(k: string, v: string) {
    this.node.metadata.labels![k] = v;
    return this;
  }
  taint(t: Taint) {
    (this.node.spec!.taints ??= []).push(t);
    return this;
  }
  unschedulable() {
    this.node.spec!.unschedulable = true;
    return this;
  }
  image(names: string[], sizeBytes: number) {
    (this.node.status!.images ??= []).push({ names, sizeBytes });
    return this;
  }
  obj(): Node {
    return structuredClone(this.node);
  }
}
export const makeNode = (name: string) => new NodeBuilder(name);

/** NodeInfos with the given pods placed by their nodeName. */
export function nodeInfos(nodes: Node[], pods: Pod[] = []): NodeInfo[] {
  const infos = nodes.map((n) => new NodeInfo(n));
  for (const p of pods) infos.find((ni) => ni.name === p.spec.nodeName)?.addPod(new PodInfo(p));
  return infos;
}

/** A handle over a fixed snapshot and an in-memory cluster, for creating one plugin. */
export function fakeSchedulerHandle(snapshot: Snapshot = new Snapshot(), cluster = new MemoryCluster()): SchedulerHandle {
  const services = new SchedulerServices();
  services.runtime = { cluster, snapshot, nominatedPodsForNode: () => [] };
  return services.handle({ logger: silentLogger(), metrics: createRootMetrics(), dataDir: "", entries: () => [] });
}

export function manifest(name: string): PluginManifest {
  const m = builtinPlugins.find((p) => p.name === name);
  if (!m) throw new Error(`no built-in plugin ${name}`);
  return m;
}

/** Creates a built-in plugin with args validated and defaulted by its schema, as the kernel would. */
export async function createPlugin<T>(name: string, args: Record<string, unknown> = {}, handle: SchedulerHandle = fakeSchedulerHandle()): Promise<T> {
  const m = manifest(name);
  const a = structuredClone(args);
  if (m.args) {
    const problems = validateAgainst(m.args, a);
    if (problems.length) throw new Error(problems.map((p) => p.message).join("; "));
  }
  return (await m.create(a, handle)) as T;
}

export function builtinRegistry(extra: PluginManifest[] = []): Registry {
  const r = new Registry();
  r.addComponent(schedulerComponent);
  for (const m of [...builtinPlugins, ...extra]) r.addPlugin(m);
  return r;
}

export const newState = () => new CycleState();

/**
 * A whole scheduler over a MemoryCluster, every profile built from a
 * KubeSchedulerConfiguration the way the component builds them.
 */
export async function startMemoryScheduler(cfg: Partial<KubeSchedulerConfigurationV1> = {}, extra: PluginManifest[] = []) {
  const registry = builtinRegistry(extra);
  const catalog = pluginCatalog(registry, "scheduler");
  const { profiles, problems } = resolveKubeSchedulerConfiguration({ apiVersion: "kubescheduler.config.k8s.io/v1", kind: "KubeSchedulerConfiguration", ...cfg }, catalog);
  if (problems.length) throw new Error(problems.map((p) => `${p.path.join(".")}: ${p.message}`).join("\n"));
  const metrics = createRootMetrics();
  const m = schedulerMetrics(metrics);
  const services = new SchedulerServices(cfg.parallelism ?? 16);
  const cluster = new MemoryCluster();
  const frameworks = await buildFrameworks({
    profiles,
    services,
    metrics: m,
    ...(cfg.percentageOfNodesToScore !== undefined ? { percentageOfNodesToScore: cfg.percentageOfNodesToScore } : {}),
    createPlugin: async (name, args) => {
      const man = registry.plugin(name)!;
      const a = structuredClone(args);
      if (man.args) validateAgainst(man.args, a);
      return man.create(a, services.handle({ logger: silentLogger(), metrics, dataDir: "", entries: () => [] }));
    },
  });
  const scheduler = new Scheduler({ profiles: frameworks, cluster, metrics: m, logger: silentLogger(), pluginMetricsSampleRate: 1 });
  services.runtime = { cluster, snapshot: scheduler.snapshot, nominatedPodsForNode: (n) => scheduler.queue.nominatedPodsForNode(n) };
  await cluster.start(scheduler);
  const abort = new AbortController();
  const running = scheduler.run(abort.signal);
  return {
    cluster,
    scheduler,
    metrics,
    async stop() {
      abort.abort();
      await running;
    },
    /** Waits until `check` holds, polling the event loop. */
    async until(check: () => boolean, timeoutMs = 5000) {
      const end = Date.now() + timeoutMs;
      while (!check()) {
        if (Date.now() > end) throw new Error("condition not reached in time");
        await new Promise((r) => setTimeout(r, 5));
      }
    },
  };
}
