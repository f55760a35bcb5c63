import { isDeepStrictEqual } from "node:util";
import { fieldInvalid, fieldRequired, type FieldCause } from "../../api/status.js";
import { selectorFromLabelSelector } from "../../api/labels.js";
import type { KubeObj, Strategy } from "../registry/strategy.js";
import { defaultPodSpec } from "./pods.js";

function templateChecks(obj: KubeObj, causes: FieldCause[], needsSelector: boolean): void {
  const spec = obj.spec ?? {};
  if (needsSelector && !spec.selector) {
    causes.push(fieldRequired("spec.selector"));
    return;
  }
  if (spec.replicas !== undefined && (!Number.isInteger(spec.replicas) || spec.replicas < 0)) {
    causes.push(fieldInvalid("spec.replicas", spec.replicas, "must be greater than or equal to 0"));
  }
  if (!spec.template) {
    if (needsSelector) causes.push(fieldRequired("spec.template"));
    return;
  }
  const labels = spec.template.metadata?.labels ?? {};
  if (spec.selector) {
    let selects = false;
    try {
      selects = selectorFromLabelSelector(spec.selector).matches(labels);
    } catch (err) {
      causes.push(fieldInvalid("spec.selector", spec.selector, (err as Error).message));
      return;
    }
    if (!selects) causes.push(fieldInvalid("spec.template.metadata.labels", labels, "`selector` does not match template `labels`"));
  }
  if (!Array.isArray(spec.template.spec?.containers) || spec.template.spec.containers.length === 0) {
    causes.push(fieldRequired("spec.template.spec.containers"));
  }
}

function defaultTemplate(obj: KubeObj): void {
  if (obj.spec?.template?.spec) defaultPodSpec(obj.spec.template.spec);
}

/**
 * apps/v1 workloads and batch Jobs: upstream's defaults, a selector that selects the
 * template and never changes, and replicas that are not negative.
 */
function workload(defaults: (spec: any) => void, opts: { selectorImmutable: boolean } = { selectorImmutable: true }): Strategy {
  return {
    prepareForCreate(obj) {
      obj.spec ??= {};
      defaults(obj.spec);
      defaultTemplate(obj);
    },
    prepareForUpdate(obj) {
      obj.spec ??= {};
      defaults(obj.spec);
      defaultTemplate(obj);
    },
    validate(obj) {
      const causes: FieldCause[] = [];
      templateChecks(obj, causes, true);
      return causes;
    },
    validateUpdate(obj, old) {
      const causes: FieldCause[] = [];
      templateChecks(obj, causes, true);
      if (opts.selectorImmutable && !isDeepStrictEqual(obj.spec?.selector, old.spec?.selector)) {
        causes.push(fieldInvalid("spec.selector", obj.spec?.selector, "field is immutable"));
      }
      return causes;
    },
  };
}

export const deploymentStrategy = workload((spec) => {
  spec.replicas ??= 1;
  spec.revisionHistoryLimit ??= 10;
  spec.progressDeadlineSeconds ??= 600;
  spec.strategy = rollingUpdateByDefault(spec.strategy, { maxUnavailable: "25%", maxSurge: "25%" });
});

/**
 * An update strategy with no type is a rolling update with upstream's numbers. kubectl's
 * protobuf bodies send an empty strategy message rather than none, so `{}` counts as unset.
 */
function rollingUpdateByDefault(strategy: Record<string, any> | undefined, rollingUpdate: Record<string, unknown>): Record<string, any> {
  const out = { ...(strategy ?? {}) };
  out.type ??= "RollingUpdate";
  if (out.type === "RollingUpdate") out.rollingUpdate = { ...rollingUpdate, ...(out.rollingUpdate ?? {}) };
  return out;
}

export const replicaSetStrategy = workload((spec) => {
  spec.replicas ??= 1;
});

export const statefulSetStrategy = workload((spec) => {
  spec.replicas ??= 1;
  spec.podManagementPolicy ??= "OrderedReady";
  spec.revisionHistoryLimit ??= 10;
  spec.updateStrategy = rollingUpdateByDefault(spec.updateStrategy, { partition: 0 });
  spec.persistentVolumeClaimRetentionPolicy ??= { whenDeleted: "Retain", whenScaled: "Retain" };
});

export const daemonSetStrategy = workload((spec) => {
  spec.revisionHistoryLimit ??= 10;
  spec.updateStrategy = rollingUpdateByDefault(spec.updateStrategy, { maxUnavailable: 1, maxSurge: 0 });
});

/** ReplicationControllers default their selector from the template's labels. */
export const replicationControllerStrategy: Strategy = (() => {
  const base = workload((spec) => {
    spec.replicas ??= 1;
    if (!spec.selector && spec.template?.metadata?.labels) spec.selector = { ...spec.template.metadata.labels };
  });
  const asLabelSelector = (obj: KubeObj) => (obj.spec?.selector ? { ...obj, spec: { ...obj.spec, selector: { matchLabels: obj.spec.selector } } } : obj);
  return {
    ...base,
    validate: (obj, ctx) => base.validate!(asLabelSelector(obj), ctx),
    validateUpdate: (obj, old, ctx) => base.validateUpdate!(asLabelSelector(obj), asLabelSelector(old), ctx),
  };
})();

/** Jobs: the controller-uid selector and labels upstream generates unless manualSelector. */
export const jobStrategy: Strategy = {
  prepareForCreate(obj) {
    const spec = (obj.spec ??= {});
    spec.parallelism ??= 1;
    spec.backoffLimit ??= 6;
    spec.completionMode ??= "NonIndexed";
    spec.suspend ??= false;
    spec.podReplacementPolicy ??= "TerminatingOrFailed";
    if (spec.completions === undefined && spec.parallelism !== undefined) spec.completions = spec.completions ?? 1;
    if (!spec.manualSelector) {
      const uid = obj.metadata.uid;
      const labels = { "batch.kubernetes.io/controller-uid": uid, "batch.kubernetes.io/job-name": obj.metadata.name, "controller-uid": uid, "job-name": obj.metadata.name };
      spec.selector = { matchLabels: { "batch.kubernetes.io/controller-uid": uid } };
      spec.template ??= {};
      spec.template.metadata = { ...(spec.template.metadata ?? {}), labels: { ...(spec.template.metadata?.labels ?? {}), ...labels } };
    }
    if (spec.template?.spec) {
      defaultPodSpec(spec.template.spec);
    }
  },
  prepareForUpdate(obj) {
    if (obj.spec?.template?.spec) defaultPodSpec(obj.spec.template.spec);
  },
  validate(obj) {
    const causes: FieldCause[] = [];
    templateChecks(obj, causes, true);
    const rp = obj.spec?.template?.spec?.restartPolicy;
    if (rp && rp !== "Never" && rp !== "OnFailure") causes.push({ reason: "FieldValueNotSupported", field: "spec.template.spec.restartPolicy", message: `Unsupported value: "${rp}": supported values: "OnFailure", "Never"` });
    return causes;
  },
  validateUpdate(obj, old) {
    const causes: FieldCause[] = [];
    if (!isDeepStrictEqual(obj.spec?.selector, old.spec?.selector)) causes.push(fieldInvalid("spec.selector", obj.spec?.selector, "field is immutable"));
    if (!isDeepStrictEqual(obj.spec?.template, old.spec?.template) && !old.spec?.suspend) causes.push(fieldInvalid("spec.template", "", "field is immutable"));
    return causes;
  },
};

export const cronJobStrategy: Strategy = {
  prepareForCreate(obj) {
    const spec = (obj.spec ??= {});
    spec.concurrencyPolicy ??= "Allow";
    spec.suspend ??= false;
    spec.successfulJobsHistoryLimit ??= 3;
    spec.failedJobsHistoryLimit ??= 1;
  },
  validate(obj) {
    const causes: FieldCause[] = [];
    if (!obj.spec?.schedule) causes.push(fieldRequired("spec.schedule"));
    if (!obj.spec?.jobTemplate) causes.push(fieldRequired("spec.jobTemplate"));
    return causes;
  },
};


