import { AsyncLocalStorage } from "node:async_hooks";

/**
 * What one request gathers on its way through the chains and the handler: warnings
 * for `Warning` headers, audit annotations, and the bodies an audit event may carry.
 * Admission and handlers add to it without every layer passing it along.
 */
export interface RequestScope {
  readonly auditID: string;
  readonly warnings: string[];
  readonly auditAnnotations: Record<string, string>;
  requestObject?: unknown;
  responseObject?: unknown;
}

const scopes = new AsyncLocalStorage<RequestScope>();

export function runInRequestScope<T>(scope: RequestScope, fn: () => T): T {
  return scopes.run(scope, fn);
}

export function currentRequestScope(): RequestScope | undefined {
  return scopes.getStore();
}
