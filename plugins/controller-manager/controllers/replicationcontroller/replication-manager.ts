import { selectorFromSet } from "../../../../core/api/labels.js";
import { Resources } from "../../../../core/client/index.js";
import { ReplicaSetController, type ControllerManagerHandle, type ReplicaSetControllerArgs } from "../../../../core/controller-manager/index.js";

/**
 * v1 ReplicationControllers, upstream's replication manager: the ReplicaSet controller with a
 * plain label map as selector (the API server defaults it from the template's labels).
 */
export function replicationManager(args: ReplicaSetControllerArgs, handle: ControllerManagerHandle): ReplicaSetController {
  return new ReplicaSetController(
    {
      queueName: "replicationmanager",
      resource: Resources.replicationControllers,
      apiVersion: "v1",
      kind: "ReplicationController",
      selectorOf: (rc) => selectorFromSet((rc.spec.selector ?? {}) as Record<string, string>),
    },
    args,
    handle,
    ["replicationcontroller-controller"],
  );
}
