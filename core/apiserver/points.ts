import { definePoint } from "../kernel/extension-point.js";
import type { Storage } from "./storage.js";
import type { AdmissionPlugin, Authenticator, Authorizer, AuditSink } from "./chains.js";

/** The API server's extension points; the server's core calls these and names no plugin. */
export const ApiServer = {
  storage: definePoint<Storage>({
    id: "apiserver.storage",
    kind: "single",
    description: "The revisioned key-value store behind every resource (etcd semantics)",
    methods: ["get", "list", "create", "update", "delete", "watch", "currentRevision", "compact"],
  }),
  authentication: definePoint<Authenticator>({
    id: "apiserver.authentication",
    kind: "ordered",
    description: "Authenticators tried in order; the first success wins, none gives 401",
    methods: ["authenticate"],
  }),
  authorization: definePoint<Authorizer>({
    id: "apiserver.authorization",
    kind: "ordered",
    description: "Authorizers asked in order; the first Allow or Deny wins, all NoOpinion denies",
    methods: ["authorize"],
  }),
  admission: definePoint<AdmissionPlugin>({
    id: "apiserver.admission",
    kind: "ordered",
    description: "Admission plugins: every mutating pass in order, then every validating pass",
  }),
  audit: definePoint<AuditSink>({
    id: "apiserver.audit",
    kind: "ordered",
    description: "Audit sinks receiving every request's audit event",
    methods: ["write"],
  }),
} as const;
