import { KubeClient, SharedInformerFactory, WorkQueue, realClock, workQueueMetrics, type Clock, type EventRecorder } from "../../core/client/index.js";
import type { ControllerManagerHandle } from "../../core/controller-manager/index.js";
import { silentLogger } from "../../core/kernel/logging.js";
import { createRootMetrics } from "../../core/kernel/metrics.js";
import { FakeApi } from "./fake-api.js";

export interface RecordedEvent {
  regarding: string;
  type: string;
  reason: string;
  action: string;
  note: string;
}

/**
 * A controller plugin's handle over a FakeApi, for unit tests with no kernel and no server:
 * the real client, informers and queues, a recorder that keeps events in `events`.
 */
export function fakeControllerHandle(opts: { api?: FakeApi; clock?: Clock } = {}): ControllerManagerHandle & { api: FakeApi; events: RecordedEvent[] } {
  const api = opts.api ?? new FakeApi();
  const client = new KubeClient(api);
  const metrics = createRootMetrics().child({ component: "controller-manager", plugin: "test" });
  const events: RecordedEvent[] = [];
  const recorder: EventRecorder = {
    event: (regarding, type, reason, action, note) => {
      const r = regarding as { metadata?: { namespace?: string; name?: string }; namespace?: string; name?: string };
      events.push({ regarding: `${r.metadata?.namespace ?? r.namespace ?? ""}/${r.metadata?.name ?? r.name}`, type, reason, action, note });
    },
  };
  const clock = opts.clock ?? realClock;
  return {
    api,
    events,
    logger: silentLogger(),
    metrics,
    dataDir: "",
    entries: () => {
      throw new Error("a controller handle has no points to drive");
    },
    client,
    informers: new SharedInformerFactory(client, { clock }),
    recorder,
    clock,
    newQueue: <T>(name: string) => new WorkQueue<T>({ name, clock, metrics: workQueueMetrics(metrics) }),
  };
}
