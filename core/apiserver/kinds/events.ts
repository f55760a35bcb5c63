import { isDeepStrictEqual } from "node:util";
import { fieldInvalid, fieldRequired, type FieldCause } from "../../api/status.js";
import { eventFromEventsV1 } from "../conversion/index.js";
import type { KubeObj, Strategy } from "../registry/strategy.js";

const LIMITS = { reportingInstance: 128, action: 128, reason: 128, message: 1024 } as const;

/** Upstream's IsQualifiedName: an optional DNS subdomain prefix and a name of at most 63 characters. */
function qualifiedNameErrors(value: string): string[] {
  const parts = value.split("/");
  const name = parts.length === 2 ? parts[1]! : parts[0]!;
  const errs: string[] = [];
  if (parts.length > 2) return ["a qualified name must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character with an optional DNS subdomain prefix and '/'"];
  if (parts.length === 2) {
    const prefix = parts[0]!;
    if (!prefix) errs.push("prefix part must be non-empty");
    else if (prefix.length > 253 || !/^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/.test(prefix)) errs.push("prefix part a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character");
  }
  if (!name) errs.push("name part must be non-empty");
  else if (name.length > 63) errs.push("name part must be no more than 63 characters");
  else if (!/^[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/.test(name)) errs.push("name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character");
  return errs;
}

const str = (v: unknown) => (typeof v === "string" ? v : "");

/**
 * Rules every Event meets, whichever API wrote it (upstream's legacy event validation).
 * Works on the core/v1 form, so events.k8s.io errors name core fields as upstream's do.
 */
function legacyEventCauses(e: KubeObj): FieldCause[] {
  const causes: FieldCause[] = [];
  const ns = str(e.metadata.namespace);
  const involvedNs = str(e.involvedObject?.namespace);
  if (!e.eventTime) {
    const ok = involvedNs ? ns === involvedNs : ns === "" || ns === "default";
    if (!ok) causes.push(fieldInvalid("involvedObject.namespace", involvedNs, "does not match event.namespace"));
    return causes;
  }
  if (!involvedNs && ns !== "default" && ns !== "kube-system") causes.push(fieldInvalid("involvedObject.namespace", involvedNs, "does not match event.namespace"));
  const controller = str(e.reportingComponent);
  if (!controller) causes.push(fieldRequired("reportingController"));
  for (const msg of qualifiedNameErrors(controller)) if (controller) causes.push(fieldInvalid("reportingController", controller, msg));
  const limit = (field: string, value: string, max: number, required: boolean) => {
    if (required && !value) causes.push(fieldRequired(field));
    if (value.length > max) causes.push(fieldInvalid(field, "", `can have at most ${max} characters`));
  };
  limit("reportingInstance", str(e.reportingInstance), LIMITS.reportingInstance, true);
  limit("action", str(e.action), LIMITS.action, true);
  limit("reason", str(e.reason), LIMITS.reason, true);
  limit("message", str(e.message), LIMITS.message, false);
  return causes;
}

function seriesCauses(e: KubeObj): FieldCause[] {
  if (!e.series) return [];
  const causes: FieldCause[] = [];
  if (!(typeof e.series.count === "number" && e.series.count >= 2)) causes.push(fieldInvalid("series.count", "", "should be at least 2"));
  if (!e.series.lastObservedTime) causes.push(fieldRequired("series.lastObservedTime"));
  return causes;
}

/** What creating through events.k8s.io/v1 requires on top of the legacy rules. */
function strictCreateCauses(e: KubeObj): FieldCause[] {
  const causes = [...legacyEventCauses(e), ...seriesCauses(e)];
  if (!e.eventTime) causes.push(fieldRequired("eventTime"));
  if (e.type !== "Normal" && e.type !== "Warning") causes.push(fieldInvalid("type", "", `has invalid value: ${str(e.type)}`));
  if (e.firstTimestamp) causes.push(fieldInvalid("firstTimestamp", "", "needs to be unset"));
  if (e.lastTimestamp) causes.push(fieldInvalid("lastTimestamp", "", "needs to be unset"));
  if (e.count) causes.push(fieldInvalid("count", "", "needs to be unset"));
  if (e.source?.component || e.source?.host) causes.push(fieldInvalid("source", "", "needs to be unset"));
  return causes;
}

const IMMUTABLE = ["involvedObject", "reason", "message", "source", "firstTimestamp", "lastTimestamp", "count", "type", "eventTime", "action", "related", "reportingComponent", "reportingInstance"] as const;
const fieldName = (k: string) => (k === "reportingComponent" ? "reportingController" : k);

function strictUpdateCauses(e: KubeObj, old: KubeObj): FieldCause[] {
  const causes = legacyEventCauses(e);
  if (!isDeepStrictEqual(e.series, old.series)) causes.push(...seriesCauses(e));
  for (const k of IMMUTABLE) if (!isDeepStrictEqual(e[k], old[k])) causes.push(fieldInvalid(fieldName(k), e[k] ?? "", "field is immutable"));
  return causes;
}

/** core/v1 Events: the legacy rules only, for compatibility with old clients. */
export const coreEventStrategy: Strategy = {
  validate: (e) => legacyEventCauses(e),
  validateUpdate: (e) => legacyEventCauses(e),
};

/** events.k8s.io/v1 Events: checked as the core Event they are stored as, with the strict rules. */
export const eventsV1Strategy: Strategy = {
  validate: (e) => strictCreateCauses(eventFromEventsV1(e)),
  validateUpdate: (e, old) => strictUpdateCauses(eventFromEventsV1(e), eventFromEventsV1(old)),
};
