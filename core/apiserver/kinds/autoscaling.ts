import { fieldInvalid, fieldNotSupported, fieldRequired, type FieldCause } from "../../api/status.js";
import { DEFAULT_CPU_UTILIZATION, hpaV1ToV2 } from "../conversion/hpa.js";
import type { KubeObj, Strategy } from "../registry/strategy.js";

const TARGET_TYPES = ["Utilization", "Value", "AverageValue"];
const METRIC_SOURCES: Record<string, string> = { Object: "object", Pods: "pods", Resource: "resource", ContainerResource: "containerResource", External: "external" };

/**
 * Upstream's HPA spec rules, checked on the autoscaling/v2 form whichever version was
 * written (upstream validates its internal form, so v1 errors name v2 fields too).
 */
function validateHpa(hpa: KubeObj): FieldCause[] {
  const causes: FieldCause[] = [];
  const spec = hpa.spec ?? {};
  const ref = spec.scaleTargetRef ?? {};
  if (!ref.kind) causes.push(fieldRequired("spec.scaleTargetRef.kind"));
  if (!ref.name) causes.push(fieldRequired("spec.scaleTargetRef.name"));
  if (spec.minReplicas !== undefined && spec.minReplicas < 1) causes.push(fieldInvalid("spec.minReplicas", spec.minReplicas, "must be greater than or equal to 1"));
  if (!(spec.maxReplicas >= 1)) causes.push(fieldInvalid("spec.maxReplicas", spec.maxReplicas ?? 0, "must be greater than 0"));
  else if (spec.minReplicas !== undefined && spec.minReplicas > spec.maxReplicas) causes.push(fieldInvalid("spec.maxReplicas", spec.maxReplicas, "must be greater than or equal to `minReplicas`"));
  (spec.metrics ?? []).forEach((m: any, i: number) => {
    const at = `spec.metrics[${i}]`;
    const key = METRIC_SOURCES[m?.type];
    if (!key) return causes.push(fieldNotSupported(`${at}.type`, m?.type ?? "", Object.keys(METRIC_SOURCES)));
    const source = m[key];
    if (!source) return causes.push(fieldRequired(`${at}.${key}`, `must populate information for the given metric source`));
    const target = source.target ?? {};
    if (!TARGET_TYPES.includes(target.type)) causes.push(fieldNotSupported(`${at}.${key}.target.type`, target.type ?? "", TARGET_TYPES));
    if (target.averageUtilization !== undefined && !(target.averageUtilization > 0)) causes.push(fieldInvalid(`${at}.${key}.target.averageUtilization`, target.averageUtilization, "must be greater than 0"));
  });
  return causes;
}

/**
 * HorizontalPodAutoscalers: upstream's defaults, applied to every write as its decoder
 * does, and its validation. minReplicas is 1 in both versions; a v2 object with no
 * metrics targets 80% CPU (a v1 object gets the same default when it is converted).
 */
export function hpaStrategy(version: string): Strategy {
  const defaults = (hpa: KubeObj) => {
    if (!hpa.spec || typeof hpa.spec !== "object") return;
    hpa.spec.minReplicas ??= 1;
    if (version !== "v1" && !hpa.spec.metrics?.length) {
      hpa.spec.metrics = [{ type: "Resource", resource: { name: "cpu", target: { type: "Utilization", averageUtilization: DEFAULT_CPU_UTILIZATION } } }];
    }
  };
  const validate = (hpa: KubeObj) => validateHpa(version === "v1" ? hpaV1ToV2(hpa) : hpa);
  return { prepareForCreate: defaults, prepareForUpdate: defaults, validate, validateUpdate: validate };
}
