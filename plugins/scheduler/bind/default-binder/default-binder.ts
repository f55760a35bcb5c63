import { Status, type BindPlugin, type Pod, type SchedulerHandle } from "../../../../core/scheduler/index.js";

export class DefaultBinder implements BindPlugin {
  constructor(private readonly handle: SchedulerHandle) {}

  async bind(_state: unknown, pod: Pod, nodeName: string): Promise<Status> {
    try {
      await this.handle.cluster.bind(pod, nodeName);
      return Status.success();
    } catch (err) {
      return Status.error(err as Error);
    }
  }
}
