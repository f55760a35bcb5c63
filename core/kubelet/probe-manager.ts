import type { Logger } from "../kernel/logging.js";
import type { Container, Pod, Probe } from "./api-types.js";
import type { RuntimeService } from "./cri/runtime-service.js";
import type { ProbePlugin } from "./plugin-api.js";

type Kind = "startup" | "liveness" | "readiness";

interface Worker {
  timer: NodeJS.Timeout | undefined;
  stopped: boolean;
  successes: number;
  failures: number;
}

/**
 * Runs a running container's probes with the `probes` plugins on their period, keeping upstream's
 * results: readiness false until it succeeds, liveness checked only once startup succeeded, a
 * result flipping only after successThreshold / failureThreshold in a row. A change calls `onChange`.
 */
export class ProbeManager {
  private readonly workers = new Map<string, Worker>();
  private readonly results = new Map<string, boolean>();
  /** Worker key → pod uid. */
  private readonly owners = new Map<string, string>();

  constructor(
    private readonly plugins: readonly ProbePlugin[],
    private readonly runtime: RuntimeService,
    private readonly logger: Logger,
    private readonly onChange: (podUid: string) => void,
  ) {}

  ready(containerId: string): boolean {
    return this.results.get(`${containerId}/readiness`) ?? true;
  }
  started(containerId: string): boolean {
    return this.results.get(`${containerId}/startup`) ?? true;
  }
  livenessFailed(containerId: string): boolean {
    return this.results.get(`${containerId}/liveness`) === false;
  }

  /** Makes sure each running container of the pod has its probe workers; stops the others'. */
  sync(pod: Pod, running: Map<string, { id: string; podIP: string }>): void {
    const wanted = new Set<string>();
    for (const c of pod.spec.containers) {
      const r = running.get(c.name);
      if (!r) continue;
      for (const kind of ["startup", "liveness", "readiness"] as Kind[]) {
        const probe = c[`${kind}Probe`];
        if (!probe) continue;
        const key = `${r.id}/${kind}`;
        wanted.add(key);
        if (!this.workers.has(key)) this.startWorker(key, kind, pod, c, probe, r.id, r.podIP);
      }
    }
    for (const [key, w] of this.workers) if (this.owners.get(key) === pod.metadata.uid && !wanted.has(key)) this.stopWorker(key, w);
  }

  /** Stops every worker of a pod (it is being terminated or is gone). */
  forget(podUid: string): void {
    for (const [key, w] of this.workers) if (this.owners.get(key) === podUid) this.stopWorker(key, w);
  }

  stopAll(): void {
    for (const [key, w] of this.workers) this.stopWorker(key, w);
  }

  private stopWorker(key: string, w: Worker): void {
    w.stopped = true;
    if (w.timer) clearTimeout(w.timer);
    this.workers.delete(key);
    this.owners.delete(key);
    this.results.delete(key);
  }

  private startWorker(key: string, kind: Kind, pod: Pod, container: Container, probe: Probe, containerId: string, podIP: string): void {
    const w: Worker = { timer: undefined, stopped: false, successes: 0, failures: 0 };
    this.workers.set(key, w);
    this.owners.set(key, pod.metadata.uid!);
    // Readiness starts false and startup unknown (false) until they succeed, as upstream.
    if (kind !== "liveness") this.results.set(key, false);
    const plugin = this.plugins.find((p) => p.supports(probe));
    const period = (probe.periodSeconds ?? 10) * 1000;
    const timeoutSeconds = probe.timeoutSeconds ?? 1;
    const run = async () => {
      if (w.stopped) return;
      if (kind === "liveness" || kind === "readiness") {
        if (!this.started(containerId)) return schedule(period);
      }
      let ok: boolean;
      if (!plugin) {
        this.logger.warn({ pod: pod.metadata.name, container: container.name }, `no probe plugin serves this ${kind} probe; counting it as failed`);
        ok = false;
      } else {
        try {
          const r = await plugin.probe({ pod, container, containerId, probe, podIP, timeoutSeconds, runtime: this.runtime });
          ok = r.result === "success";
        } catch {
          ok = false;
        }
      }
      if (w.stopped) return;
      if (ok) {
        w.successes++;
        w.failures = 0;
      } else {
        w.failures++;
        w.successes = 0;
      }
      const before = this.results.get(key);
      if (ok && w.successes >= (probe.successThreshold ?? 1)) this.results.set(key, true);
      if (!ok && w.failures >= (probe.failureThreshold ?? 3)) this.results.set(key, false);
      const after = this.results.get(key);
      if (before !== after) this.onChange(pod.metadata.uid!);
      // A started container's startup probe is done; upstream stops running it.
      if (kind === "startup" && after === true) return;
      schedule(period);
    };
    const schedule = (ms: number) => {
      if (!w.stopped) w.timer = setTimeout(() => void run(), ms);
    };
    schedule((probe.initialDelaySeconds ?? 0) * 1000);
  }
}
