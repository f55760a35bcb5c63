import { selectorFromLabelSelector, type LabelSelector } from "../../../../core/api/labels.js";
import { Resources } from "../../../../core/client/index.js";
import { ReplicaSetController, type ControllerManagerHandle, type ReplicaSetControllerArgs } from "../../../../core/controller-manager/index.js";

/** apps/v1 ReplicaSets: a metav1.LabelSelector picks the pods. */
export function replicaSetController(args: ReplicaSetControllerArgs, handle: ControllerManagerHandle): ReplicaSetController {
  return new ReplicaSetController(
    {
      queueName: "replicaset",
      resource: Resources.replicaSets,
      apiVersion: "apps/v1",
      kind: "ReplicaSet",
      selectorOf: (rs) => selectorFromLabelSelector((rs.spec.selector ?? {}) as LabelSelector),
    },
    args,
    handle,
    ["replicaset-controller"],
  );
}
