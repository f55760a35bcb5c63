import { definePlugin } from "../../../../core/kernel/define-plugin.js";
import type { SchedulerHandle } from "../../../../core/scheduler/handle.js";
import { Scheduler, type BindPlugin } from "../../../../core/scheduler/points.js";
import { Status } from "../../../../core/scheduler/status.js";

/** Posts a Binding to pods/binding, as upstream's DefaultBinder. */
export function defaultBinder(handle: Pick<SchedulerHandle, "client">): BindPlugin {
  return {
    bind: async (_state, pod, nodeName) => {
      try {
        await handle.client.bind(pod, nodeName);
      } catch (err) {
        return Status.error(err);
      }
    },
  };
}

export default definePlugin<Record<string, never>, SchedulerHandle, BindPlugin>({
  name: "DefaultBinder",
  serves: [Scheduler.bind],
  description: "Binds the pod to its node through the pods/binding subresource",
  upstream: "kube-scheduler DefaultBinder",
  create: (_args, handle) => defaultBinder(handle),
});
