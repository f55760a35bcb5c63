import { randomUUID } from "node:crypto";
import { isDeepStrictEqual } from "node:util";
import { applyJsonPatch } from "../../api/json-patch.js";
import { StatusError, badRequest, internalError, type StatusObject } from "../../api/status.js";
import type { AdmissionRequest } from "../chains.js";
import type { ClusterReader } from "../cluster-reader.js";
import type { Logger } from "../../kernel/logging.js";
import { postReview, resolveTarget } from "./client.js";
import { ruleMatches, selectorsMatch, type Webhook } from "./rules.js";

export type WebhookKind = "mutating" | "validating";

const CONFIG_RESOURCE: Record<WebhookKind, string> = { mutating: "mutatingwebhookconfigurations", validating: "validatingwebhookconfigurations" };

interface AdmissionResponse {
  uid?: string;
  allowed?: boolean;
  status?: Partial<StatusObject>;
  patch?: string;
  patchType?: string;
  warnings?: string[];
  auditAnnotations?: Record<string, string>;
}

interface Placed {
  configuration: string;
  index: number;
  hook: Webhook;
}

/**
 * Upstream's generic webhook dispatcher: the webhooks of every Mutating- or
 * ValidatingWebhookConfiguration (configurations by name, webhooks in order) whose rules
 * and selectors match get an AdmissionReview v1; mutating ones are called one after
 * another and may patch, validating ones are called concurrently and may only deny.
 */
export class WebhookDispatcher {
  constructor(
    private readonly kind: WebhookKind,
    private readonly cluster: ClusterReader,
    private readonly logger: Logger,
  ) {}

  async run(req: AdmissionRequest): Promise<void> {
    // Webhook configurations are never sent to webhooks, so a broken webhook cannot lock itself in.
    if (req.group === "admissionregistration.k8s.io" && (req.resource === "mutatingwebhookconfigurations" || req.resource === "validatingwebhookconfigurations")) return;
    const hooks = await this.matching(req);
    if (!hooks.length) return;
    if (this.kind === "validating") {
      await Promise.all(hooks.map((p) => this.call(p, req, 0)));
      return;
    }
    // Reinvocation: a webhook asking IfNeeded is called once more when a later webhook changed the object after it.
    const lastCallSaw = new Map<Placed, unknown>();
    for (const p of hooks) {
      await this.call(p, req, 0);
      lastCallSaw.set(p, structuredClone(req.object));
    }
    for (const p of hooks) {
      if (p.hook.reinvocationPolicy === "IfNeeded" && !isDeepStrictEqual(lastCallSaw.get(p), req.object)) await this.call(p, req, 1);
    }
  }

  private async matching(req: AdmissionRequest): Promise<Placed[]> {
    const configs = await this.cluster.list("admissionregistration.k8s.io", "v1", CONFIG_RESOURCE[this.kind]);
    configs.sort((a, b) => String(a.metadata.name).localeCompare(String(b.metadata.name)));
    const namespaced = this.cluster.namespaced(req.group, req.version, req.resource) ?? req.namespace !== undefined;
    let nsLabels: Record<string, string> | undefined;
    if (namespaced && req.namespace) {
      const ns = await this.cluster.get("", "v1", "namespaces", undefined, req.namespace);
      nsLabels = ns?.metadata?.labels ?? {};
    }
    const out: Placed[] = [];
    for (const c of configs) {
      (c.webhooks ?? []).forEach((hook: Webhook, index: number) => {
        if (!(hook.rules ?? []).some((r) => ruleMatches(r, req, namespaced))) return;
        if (!selectorsMatch(hook, req, nsLabels)) return;
        out.push({ configuration: c.metadata.name, index, hook });
      });
    }
    return out;
  }

  private async call(p: Placed, req: AdmissionRequest, round: number): Promise<void> {
    const { hook } = p;
    if (req.dryRun && hook.sideEffects !== "None" && hook.sideEffects !== "NoneOnDryRun") {
      throw badRequest(`admission webhook ${JSON.stringify(hook.name)} does not support dry run`);
    }
    const timeout = hook.timeoutSeconds ?? 10;
    const uid = randomUUID();
    let response: AdmissionResponse;
    try {
      const target = await resolveTarget(hook, this.cluster);
      const answer = (await postReview(target, hook.clientConfig.caBundle, review(uid, req), timeout)) as { response?: AdmissionResponse };
      if (!answer?.response) throw new Error("webhook response was absent");
      if (answer.response.uid !== uid) throw new Error(`expected response.uid=${JSON.stringify(uid)}, got ${JSON.stringify(answer.response.uid ?? "")}`);
      response = answer.response;
    } catch (err) {
      const why = `failed calling webhook ${JSON.stringify(hook.name)}: failed to call webhook: ${(err as Error).message}`;
      if ((hook.failurePolicy ?? "Fail") === "Ignore") {
        this.logger.warn({ webhook: hook.name, err: (err as Error).message }, "failed calling webhook, failing open");
        req.annotate(`failed-open.${this.kind}.webhook.admission.k8s.io/round_${round}_index_${p.index}`, hook.name);
        return;
      }
      throw internalError(why);
    }
    for (const w of response.warnings ?? []) req.warn(w);
    for (const [k, v] of Object.entries(response.auditAnnotations ?? {})) req.annotate(`${hook.name}/${k}`, v);
    if (!response.allowed) throw denied(hook.name, response.status);
    if (this.kind === "mutating" && response.patch) {
      if (response.patchType !== "JSONPatch") throw internalError(`failed calling webhook ${JSON.stringify(hook.name)}: unsupported patch type ${JSON.stringify(response.patchType)}`);
      this.patch(req, hook, response.patch);
      req.annotate(`mutation.webhook.admission.k8s.io/round_${round}_index_${p.index}`, JSON.stringify({ configuration: p.configuration, webhook: hook.name, mutated: true }));
    }
  }

  private patch(req: AdmissionRequest, hook: Webhook, encoded: string): void {
    if (!req.object) return;
    let patched: Record<string, any>;
    try {
      const ops = JSON.parse(Buffer.from(encoded, "base64").toString("utf8"));
      if (!Array.isArray(ops)) throw new Error("the patch is not a JSON array");
      patched = applyJsonPatch(req.object, ops) as Record<string, any>;
    } catch (err) {
      throw internalError(`JSON Patch: ${(err as Error).message} (from webhook ${JSON.stringify(hook.name)})`);
    }
    // The request's object is what later plugins and the store see: change it in place.
    for (const k of Object.keys(req.object)) delete req.object[k];
    Object.assign(req.object, patched);
  }
}

function review(uid: string, req: AdmissionRequest): unknown {
  const kind = { group: req.group, version: req.version, kind: req.kind };
  const resource = { group: req.group, version: req.version, resource: req.resource };
  const optionsKind = { CREATE: "CreateOptions", UPDATE: "UpdateOptions", DELETE: "DeleteOptions", CONNECT: undefined }[req.operation];
  return {
    apiVersion: "admission.k8s.io/v1",
    kind: "AdmissionReview",
    request: {
      uid,
      kind,
      resource,
      ...(req.subresource ? { subResource: req.subresource } : {}),
      requestKind: kind,
      requestResource: resource,
      ...(req.subresource ? { requestSubResource: req.subresource } : {}),
      name: req.name ?? "",
      ...(req.namespace ? { namespace: req.namespace } : {}),
      operation: req.operation,
      userInfo: { username: req.user.name, ...(req.user.uid ? { uid: req.user.uid } : {}), groups: req.user.groups, ...(req.user.extra ? { extra: req.user.extra } : {}) },
      object: req.object ?? null,
      oldObject: req.oldObject ?? null,
      dryRun: req.dryRun,
      ...(optionsKind ? { options: { kind: optionsKind, apiVersion: "meta.k8s.io/v1" } } : {}),
    },
  };
}

/** Upstream's ToStatusErr: the webhook's status, at least 400, prefixed with who denied it. */
function denied(name: string, status: Partial<StatusObject> | undefined): StatusError {
  const by = `admission webhook ${JSON.stringify(name)} denied the request`;
  const code = status?.code && status.code >= 400 ? status.code : 400;
  const message = status?.message ? `${by}: ${status.message}` : status?.reason ? `${by}: ${status.reason}` : `${by} without explanation`;
  return new StatusError({
    kind: "Status",
    apiVersion: "v1",
    metadata: {},
    status: "Failure",
    message,
    ...(status?.reason ? { reason: status.reason } : {}),
    ...(status?.details ? { details: status.details } : {}),
    code,
  });
}
