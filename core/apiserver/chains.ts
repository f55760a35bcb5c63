import type { IncomingHttpHeaders } from "node:http";
import type { TLSSocket } from "node:tls";

export interface UserInfo {
  name: string;
  uid?: string;
  groups: string[];
  extra?: Record<string, string[]>;
}

/** What an authenticator sees of a request. */
export interface AuthRequest {
  headers: IncomingHttpHeaders;
  /** The verified client certificate chain, when the TLS handshake presented one. */
  peerCertificate?: ReturnType<TLSSocket["getPeerCertificate"]>;
  path: string;
}

/** `undefined` means "not mine": the next authenticator gets its turn. */
export type AuthResult = { user: UserInfo; audiences?: string[] } | { error: string } | undefined;

export interface Authenticator {
  authenticate(req: AuthRequest): Promise<AuthResult> | AuthResult;
}

/** Upstream's request attributes, as an authorizer sees them. */
export interface RequestAttributes {
  user: UserInfo;
  verb: string;
  resourceRequest: boolean;
  path: string;
  apiGroup?: string;
  apiVersion?: string;
  namespace?: string;
  resource?: string;
  subresource?: string;
  name?: string;
}

export type Decision = { decision: "allow" | "deny" | "no-opinion"; reason?: string };

/** Upstream's authorization.k8s.io ResourceRule and NonResourceRule, as SelfSubjectRulesReview lists them. */
export interface ResourceRule {
  verbs: string[];
  apiGroups?: string[];
  resources?: string[];
  resourceNames?: string[];
}

export interface NonResourceRule {
  verbs: string[];
  nonResourceURLs?: string[];
}

/** What an authorizer can say a user may do; `incomplete` when it cannot enumerate everything. */
export interface RuleSet {
  resourceRules: ResourceRule[];
  nonResourceRules: NonResourceRule[];
  incomplete: boolean;
}

export interface Authorizer {
  authorize(attrs: RequestAttributes): Promise<Decision> | Decision;
  /** Upstream's RuleResolver; an authorizer without it makes a rules review incomplete. */
  rulesFor?(user: UserInfo, namespace: string): Promise<RuleSet> | RuleSet;
}

export interface AdmissionRequest {
  operation: "CREATE" | "UPDATE" | "DELETE" | "CONNECT";
  user: UserInfo;
  group: string;
  version: string;
  kind: string;
  resource: string;
  subresource?: string;
  namespace?: string;
  name?: string;
  /** The object being written (mutable in the mutating pass). */
  object?: Record<string, any>;
  oldObject?: Record<string, any>;
  dryRun: boolean;
  /** Adds a `Warning` header to the response (upstream's warning.AddWarning). */
  warn(message: string): void;
  /** Adds an annotation to the request's audit event; keys are prefixed with the plugin's name by convention. */
  annotate(key: string, value: string): void;
}

/**
 * An admission plugin may mutate, validate, or both; the chain runs every `admit`
 * in order, then every `validate`. Throwing a StatusError rejects the request.
 */
export interface AdmissionPlugin {
  admit?(req: AdmissionRequest): Promise<void> | void;
  validate?(req: AdmissionRequest): Promise<void> | void;
}

/** An audit.k8s.io/v1 Event. */
export interface AuditEvent {
  kind: "Event";
  apiVersion: "audit.k8s.io/v1";
  level: "Metadata" | "Request" | "RequestResponse";
  auditID: string;
  stage: "RequestReceived" | "ResponseStarted" | "ResponseComplete" | "Panic";
  requestURI: string;
  verb: string;
  user: UserInfo;
  impersonatedUser?: UserInfo;
  sourceIPs: string[];
  userAgent?: string;
  objectRef?: { resource?: string; namespace?: string; name?: string; apiGroup?: string; apiVersion?: string; subresource?: string };
  responseStatus?: { metadata: Record<string, never>; status?: string; message?: string; reason?: string; code: number };
  requestObject?: unknown;
  responseObject?: unknown;
  requestReceivedTimestamp: string;
  stageTimestamp: string;
  annotations?: Record<string, string>;
}

/** A backend receiving audit events (upstream's audit log and webhook backends); it should not block the request. */
export interface AuditSink {
  write(event: AuditEvent): void | Promise<void>;
}
