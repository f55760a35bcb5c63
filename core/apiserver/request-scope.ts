/**
 * What one request gathers on its way through the chains and the handler: warnings
 * for `Warning` headers, audit annotations, and the bodies an audit event may carry.
 * It is attached to the request and response objects (and passed to the store in its
 * write options), not kept in async context: AsyncLocalStorage on Node 20 slows every
 * promise of the server.
 */
export interface RequestScope {
  readonly auditID: string;
  readonly warnings: string[];
  readonly auditAnnotations: Record<string, string>;
  requestObject?: unknown;
  responseObject?: unknown;
}

const scopes = new WeakMap<object, RequestScope>();

/** Ties a scope to a request and its response, for the layers that hold one of them. */
export function attachRequestScope(scope: RequestScope, ...holders: object[]): void {
  for (const h of holders) scopes.set(h, scope);
}

export function requestScopeOf(holder: object): RequestScope | undefined {
  return scopes.get(holder);
}
