import type { IncomingMessage } from "node:http";
import type { PluginEntry } from "../../kernel/extension-point.js";
import type { Logger } from "../../kernel/logging.js";
import type { AuditEvent, AuditSink, UserInfo } from "../chains.js";
import type { RequestInfo } from "../http/request-info.js";
import type { RequestScope } from "../request-scope.js";
import { evaluatePolicy, type AuditDecision, type AuditPolicy, type AuditStage } from "./policy.js";

export interface AuditContext {
  policy: AuditPolicy | undefined;
  sinks: () => readonly PluginEntry<AuditSink>[];
  logger: Logger;
}

/**
 * One request's audit trail: the policy decides its level once, then each stage
 * becomes an event handed to every sink (which batch and write on their own time).
 */
export class RequestAudit {
  private readonly decision: AuditDecision;
  private readonly received = new Date();

  constructor(
    private readonly ctx: AuditContext,
    private readonly req: IncomingMessage,
    private readonly info: RequestInfo,
    private readonly user: UserInfo,
    private readonly impersonated: UserInfo | undefined,
    private readonly scope: RequestScope,
  ) {
    this.decision = ctx.sinks().length ? evaluatePolicy(ctx.policy, impersonated ?? user, info) : { level: "None", omitStages: new Set(), omitManagedFields: false };
  }

  get enabled(): boolean {
    return this.decision.level !== "None";
  }

  requestReceived(): void {
    this.emit("RequestReceived");
  }

  complete(code: number): void {
    this.emit("ResponseComplete", code);
  }

  private emit(stage: AuditStage, code?: number): void {
    if (!this.enabled || this.decision.omitStages.has(stage)) return;
    const level = this.decision.level as AuditEvent["level"];
    const info = this.info;
    const response = this.scope.responseObject as { kind?: string; status?: string; message?: string; reason?: string } | undefined;
    const event: AuditEvent = {
      kind: "Event",
      apiVersion: "audit.k8s.io/v1",
      level,
      auditID: this.scope.auditID,
      stage,
      requestURI: this.req.url ?? "/",
      verb: info.verb,
      user: this.user,
      ...(this.impersonated ? { impersonatedUser: this.impersonated } : {}),
      sourceIPs: sourceIPs(this.req),
      ...(this.req.headers["user-agent"] ? { userAgent: this.req.headers["user-agent"] } : {}),
      ...(info.resourceRequest
        ? {
            objectRef: {
              resource: info.resource,
              ...(info.namespace ? { namespace: info.namespace } : {}),
              ...(info.name ? { name: info.name } : {}),
              apiGroup: info.group,
              apiVersion: info.version,
              ...(info.subresource ? { subresource: info.subresource } : {}),
            },
          }
        : {}),
      ...(code !== undefined
        ? {
            responseStatus: {
              metadata: {},
              code,
              ...(response?.kind === "Status" ? { status: response.status, message: response.message, reason: response.reason } : {}),
            },
          }
        : {}),
      ...(level !== "Metadata" && this.scope.requestObject !== undefined ? { requestObject: this.body(this.scope.requestObject) } : {}),
      ...(level === "RequestResponse" && code !== undefined && this.scope.responseObject !== undefined ? { responseObject: this.body(this.scope.responseObject) } : {}),
      requestReceivedTimestamp: microTime(this.received),
      stageTimestamp: microTime(new Date()),
      ...(Object.keys(this.scope.auditAnnotations).length ? { annotations: { ...this.scope.auditAnnotations } } : {}),
    };
    for (const { instance, name } of this.ctx.sinks()) {
      try {
        void Promise.resolve(instance.write(event)).catch((err) => this.ctx.logger.error({ err, sink: name }, "audit sink failed"));
      } catch (err) {
        this.ctx.logger.error({ err, sink: name }, "audit sink failed");
      }
    }
  }

  private body(obj: unknown): unknown {
    if (!this.decision.omitManagedFields || typeof obj !== "object" || obj === null) return obj;
    const o = obj as { metadata?: { managedFields?: unknown } };
    if (!o.metadata?.managedFields) return obj;
    const { managedFields: _m, ...meta } = o.metadata;
    return { ...o, metadata: meta };
  }
}

function sourceIPs(req: IncomingMessage): string[] {
  const forwarded = req.headers["x-forwarded-for"];
  const list = typeof forwarded === "string" ? forwarded.split(",").map((s) => s.trim()).filter(Boolean) : [];
  const remote = req.socket?.remoteAddress?.replace(/^::ffff:/, "");
  return remote && !list.includes(remote) ? [...list, remote] : list;
}

/** metav1.MicroTime: RFC 3339 with microseconds. */
function microTime(d: Date): string {
  return d.toISOString().replace(/\.(\d{3})Z$/, ".$1000Z");
}
