import type { Strategy } from "../registry/strategy.js";

/**
 * Namespaces start Active with the `kubernetes` finalizer; a delete marks them
 * Terminating and the namespace controller empties them, then calls /finalize.
 */
export const namespaceStrategy: Strategy = {
  nameRule: "label",
  prepareForCreate(obj) {
    // The namespace controller's finalizer is always there at create, beside any others.
    const finalizers: string[] = obj.spec?.finalizers ?? [];
    obj.spec = { ...(obj.spec ?? {}), finalizers: finalizers.includes("kubernetes") ? finalizers : [...finalizers, "kubernetes"] };
    obj.status = { phase: "Active" };
    obj.metadata.labels = { ...(obj.metadata.labels ?? {}), "kubernetes.io/metadata.name": obj.metadata.name };
  },
  prepareForUpdate(obj, old, ctx) {
    // spec.finalizers change only through /finalize; the name label is the server's.
    if (ctx.subresource !== "finalize") obj.spec = { ...(obj.spec ?? {}), finalizers: old.spec?.finalizers ?? [] };
    obj.metadata.labels = { ...(obj.metadata.labels ?? {}), "kubernetes.io/metadata.name": obj.metadata.name };
  },
  gracefulDelete(obj) {
    if (!obj.spec?.finalizers?.length && !obj.metadata.finalizers?.length) return undefined;
    obj.status = { ...(obj.status ?? {}), phase: "Terminating" };
    return obj;
  },
  readyToDelete(obj) {
    return !obj.metadata.finalizers?.length && !obj.spec?.finalizers?.length;
  },
};
