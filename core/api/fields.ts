import { badRequest } from "./status.js";
import type { GroupResource } from "./status.js";

interface FieldReq {
  field: string;
  value: string;
  negate: boolean;
}

export interface FieldSelector {
  requirements: readonly FieldReq[];
  matches(fields: Record<string, string>): boolean;
}

/** `a=b`, `a==b`, `a!=b`, comma-joined; nothing else. */
export function parseFieldSelector(text: string): FieldSelector {
  const reqs: FieldReq[] = [];
  for (const raw of text.split(",")) {
    const part = raw.trim();
    if (!part) continue;
    const m = /^([^=!]+?)\s*(==|=|!=)\s*(.*)$/.exec(part);
    if (!m) throw badRequest(`invalid selector: '${text}'; can't understand '${part}'`);
    reqs.push({ field: m[1]!.trim(), value: m[3]!.trim(), negate: m[2] === "!=" });
  }
  return { requirements: reqs, matches: (f) => reqs.every((r) => ((f[r.field] ?? "") === r.value) !== r.negate) };
}

const POD_FIELDS = ["spec.nodeName", "spec.restartPolicy", "spec.schedulerName", "spec.serviceAccountName", "spec.hostNetwork", "status.phase", "status.podIP", "status.nominatedNodeName"];
const EVENT_FIELDS = ["involvedObject.kind", "involvedObject.namespace", "involvedObject.name", "involvedObject.uid", "involvedObject.apiVersion", "involvedObject.resourceVersion", "involvedObject.fieldPath", "reason", "reportingComponent", "source", "type"];

/** Fields beyond metadata.name/namespace each resource's field selectors may use (upstream's). */
const EXTRA: Record<string, string[]> = {
  "/pods": POD_FIELDS,
  "/events": EVENT_FIELDS,
  "events.k8s.io/events": ["regarding.kind", "regarding.namespace", "regarding.name", "regarding.uid", "reason", "reportingController", "type"],
  "/secrets": ["type"],
  "/services": ["spec.clusterIP", "spec.type"],
  "/namespaces": ["status.phase"],
  "/nodes": ["spec.unschedulable"],
  "/replicationcontrollers": ["status.replicas"],
  "apps/replicasets": ["status.replicas"],
  "batch/jobs": ["status.successful"],
  "certificates.k8s.io/certificatesigningrequests": ["spec.signerName"],
};

function at(obj: any, path: string): unknown {
  return path.split(".").reduce((o, k) => (o === undefined || o === null ? undefined : o[k]), obj);
}

export function supportedFields(gr: GroupResource): string[] {
  return ["metadata.name", "metadata.namespace", ...(EXTRA[`${gr.group}/${gr.resource}`] ?? [])];
}

/** The field set an object offers to field selectors, as strings. */
export function fieldsOf(gr: GroupResource, obj: any): Record<string, string> {
  const out: Record<string, string> = {};
  for (const f of supportedFields(gr)) {
    let v = at(obj, f === "source" ? "source.component" : f);
    if (f === "metadata.namespace" && v === undefined) v = "";
    if (f === "spec.hostNetwork" || f === "spec.unschedulable") v = String(v === true);
    if (v !== undefined && v !== null) out[f] = String(v);
  }
  return out;
}

export function validateFieldSelector(gr: GroupResource, sel: FieldSelector): void {
  const ok = new Set(supportedFields(gr));
  for (const r of sel.requirements) {
    if (!ok.has(r.field)) throw badRequest(`field label not supported: ${r.field}`);
  }
}
