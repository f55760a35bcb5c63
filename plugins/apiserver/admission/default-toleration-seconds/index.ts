import { definePlugin } from "../../../../core/kernel/define-plugin.js";
import { ApiServer } from "../../../../core/apiserver/points.js";
import type { AdmissionPlugin } from "../../../../core/apiserver/chains.js";

const TAINTS = ["node.kubernetes.io/not-ready", "node.kubernetes.io/unreachable"];

interface Toleration {
  key?: string;
  operator?: string;
  effect?: string;
  tolerationSeconds?: number;
}

/** Whether a toleration already covers a NoExecute taint with this key (a keyless Exists covers every key). */
function covers(t: Toleration, key: string): boolean {
  const keyMatches = t.key === key || (!t.key && t.operator === "Exists");
  return keyMatches && (!t.effect || t.effect === "NoExecute");
}

export default definePlugin<{ defaultNotReadyTolerationSeconds?: number; defaultUnreachableTolerationSeconds?: number }, unknown, AdmissionPlugin>({
  name: "DefaultTolerationSeconds",
  serves: [ApiServer.admission],
  description: "Pods tolerate the not-ready and unreachable NoExecute taints for 300 s unless they say otherwise",
  upstream: "kube-apiserver --enable-admission-plugins=DefaultTolerationSeconds (--default-not-ready-toleration-seconds, --default-unreachable-toleration-seconds)",
  create: () => ({
    admit: (req) => {
      if (req.operation !== "CREATE" || req.group !== "" || req.resource !== "pods" || req.subresource || !req.object?.spec) return;
      const spec = req.object.spec;
      const tolerations: Toleration[] = spec.tolerations ?? [];
      for (const key of TAINTS) {
        if (!tolerations.some((t) => covers(t, key))) tolerations.push({ key, operator: "Exists", effect: "NoExecute", tolerationSeconds: 300 });
      }
      spec.tolerations = tolerations;
    },
  }),
});
