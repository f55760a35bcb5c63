import { isDeepStrictEqual } from "node:util";
import { forbiddenMessage } from "../../../../core/api/status.js";
import type { AdmissionPlugin, AdmissionRequest } from "../../../../core/apiserver/chains.js";
import type { ApiServerHandle } from "../../../../core/apiserver/handle.js";
import type { PodSecurityArgs } from "../../../../schemas/generated/plugins/apiserver/pod-security.args.js";
import { describe, violations, type Level } from "./checks.js";

const LABEL = "pod-security.kubernetes.io/";
const LEVELS = new Set<Level>(["privileged", "baseline", "restricted"]);
const MODES = ["enforce", "audit", "warn"] as const;
type Mode = (typeof MODES)[number];
interface Policy {
  level: Level;
  version: string;
}

/** Resources whose pod template is checked for warnings and audit (never enforced: their pods are). */
const TEMPLATE_PATHS: Record<string, (o: Record<string, any>) => Record<string, any> | undefined> = {
  "/podtemplates": (o) => o.template,
  "/replicationcontrollers": (o) => o.spec?.template,
  "apps/replicasets": (o) => o.spec?.template,
  "apps/deployments": (o) => o.spec?.template,
  "apps/statefulsets": (o) => o.spec?.template,
  "apps/daemonsets": (o) => o.spec?.template,
  "batch/jobs": (o) => o.spec?.template,
  "batch/cronjobs": (o) => o.spec?.jobTemplate?.spec?.template,
};

/**
 * Upstream's PodSecurity admission: each namespace's labels choose a level per mode; a pod
 * breaking the enforce level is refused naming the controls it breaks, one breaking the
 * warn level gets a Warning header, one breaking the audit level an audit annotation.
 */
export class PodSecurity implements AdmissionPlugin {
  constructor(
    private readonly args: Required<PodSecurityArgs>,
    private readonly handle: ApiServerHandle,
  ) {}

  async validate(req: AdmissionRequest): Promise<void> {
    if (req.operation !== "CREATE" && req.operation !== "UPDATE") return;
    if (!req.namespace || !req.object) return;
    const isPod = req.group === "" && req.resource === "pods";
    const template = TEMPLATE_PATHS[`${req.group}/${req.resource}`];
    if (!isPod && !template) return;
    if (req.subresource && !(isPod && req.subresource === "ephemeralcontainers")) return;
    const ex = this.args.exemptions;
    if (ex.usernames?.includes(req.user.name) || ex.namespaces?.includes(req.namespace)) return;

    const pod = isPod ? req.object : template!(req.object);
    if (!pod?.spec) return;
    // An update that leaves the pod spec as it was (labels, annotations, status) is not re-judged.
    if (req.operation === "UPDATE" && req.oldObject) {
      const oldPod = isPod ? req.oldObject : template!(req.oldObject);
      if (isDeepStrictEqual(oldPod?.spec, pod.spec)) return;
    }
    if (pod.spec.runtimeClassName && ex.runtimeClasses?.includes(pod.spec.runtimeClassName)) return;

    const policies = await this.policiesOf(req.namespace);
    const verdicts = new Map<Level, ReturnType<typeof violations>>();
    const judge = (level: Level) => {
      if (!verdicts.has(level)) verdicts.set(level, violations(level, pod.metadata ?? {}, pod.spec));
      return verdicts.get(level)!;
    };
    const label = (p: Policy) => `${p.level}:${p.version}`;

    const enforce = policies.enforce;
    if (isPod) req.annotate(`${LABEL}enforce-policy`, label(enforce));
    const enforced = judge(enforce.level);
    if (enforced.length) {
      if (isPod) throw forbiddenMessage({ group: "", resource: "pods" }, req.name ?? "", `violates PodSecurity ${JSON.stringify(label(enforce))}: ${describe(enforced)}`);
    }
    const audited = judge(policies.audit.level);
    if (audited.length) req.annotate(`${LABEL}audit-violations`, `would violate PodSecurity ${JSON.stringify(label(policies.audit))}: ${describe(audited)}`);
    // A workload breaking the enforce level is warned about, since its pods will be refused.
    const warnPolicy = !isPod && enforced.length && rank(enforce.level) > rank(policies.warn.level) ? enforce : policies.warn;
    const warned = judge(warnPolicy.level);
    if (warned.length) req.warn(`would violate PodSecurity ${JSON.stringify(label(warnPolicy))}: ${describe(warned)}`);
  }

  /** Each mode's level and version from the namespace's labels, the configured defaults where a label is absent. */
  private async policiesOf(namespace: string): Promise<Record<Mode, Policy>> {
    const ns = await this.handle.cluster.get("", "v1", "namespaces", undefined, namespace);
    const labels: Record<string, string> = ns?.metadata?.labels ?? {};
    const d = this.args.defaults as Record<string, string>;
    const out = {} as Record<Mode, Policy>;
    for (const mode of MODES) {
      const given = labels[`${LABEL}${mode}`];
      // An unknown level fails closed, as upstream evaluates it as restricted.
      const level = given === undefined ? (d[mode] as Level) : LEVELS.has(given as Level) ? (given as Level) : "restricted";
      out[mode] = { level, version: labels[`${LABEL}${mode}-version`] ?? d[`${mode}-version`] ?? "latest" };
    }
    return out;
  }
}

function rank(l: Level): number {
  return l === "privileged" ? 0 : l === "baseline" ? 1 : 2;
}
