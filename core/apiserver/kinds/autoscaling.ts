import { DEFAULT_CPU_UTILIZATION } from "../conversion/hpa.js";
import type { KubeObj, Strategy } from "../registry/strategy.js";

/**
 * HorizontalPodAutoscalers: upstream's defaults, applied to every write as its decoder
 * does. minReplicas is 1 in both versions; a v2 object with no metrics targets 80% CPU
 * (a v1 object gets the same default when it is converted to v2).
 */
export function hpaStrategy(version: string): Strategy {
  const defaults = (hpa: KubeObj) => {
    if (!hpa.spec || typeof hpa.spec !== "object") return;
    hpa.spec.minReplicas ??= 1;
    if (version !== "v1" && !hpa.spec.metrics?.length) {
      hpa.spec.metrics = [{ type: "Resource", resource: { name: "cpu", target: { type: "Utilization", averageUtilization: DEFAULT_CPU_UTILIZATION } } }];
    }
  };
  return { prepareForCreate: defaults, prepareForUpdate: defaults };
}
