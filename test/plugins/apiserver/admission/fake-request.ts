import type { AdmissionRequest, UserInfo } from "../../../../core/apiserver/chains.js";
import type { ApiServerHandle } from "../../../../core/apiserver/handle.js";
import type { ClusterAccess } from "../../../../core/apiserver/cluster-access.js";
import { fakeApiServerHandle } from "../../../support/fake-handle.js";

export interface RecordedRequest extends AdmissionRequest {
  warnings: string[];
  annotations: Record<string, string>;
}

const ADMIN: UserInfo = { name: "admin", groups: ["system:masters"] };

/** An admission request that records the warnings and audit annotations plugins add. */
export function admissionRequest(fields: Partial<AdmissionRequest> & Pick<AdmissionRequest, "operation" | "resource">): RecordedRequest {
  const warnings: string[] = [];
  const annotations: Record<string, string> = {};
  return {
    user: ADMIN,
    group: "",
    version: "v1",
    kind: "Pod",
    dryRun: false,
    warnings,
    annotations,
    warn: (m) => warnings.push(m),
    annotate: (k, v) => void (annotations[k] = v),
    ...fields,
  };
}

/** A handle whose cluster holds the given objects, keyed `resource/namespace/name` (no namespace: `resource//name`). */
export function handleWith(objects: Record<string, Record<string, any>>): ApiServerHandle {
  const statusWrites: Record<string, any>[] = [];
  const cluster: ClusterAccess & { statusWrites: typeof statusWrites } = {
    statusWrites,
    get: async (_g, _v, resource, namespace, name) => structuredClone(objects[`${resource}/${namespace ?? ""}/${name}`]) as any,
    list: async (_g, _v, resource, namespace) =>
      Object.entries(objects)
        .filter(([k]) => k.startsWith(`${resource}/${namespace ?? ""}`) && k.split("/")[0] === resource)
        .map(([, o]) => structuredClone(o)) as any,
    updateStatus: async (_g, _v, resource, namespace, name, mutate) => {
      const key = `${resource}/${namespace ?? ""}/${name}`;
      const next = mutate(structuredClone(objects[key]) as any);
      if (next) {
        objects[key] = next;
        statusWrites.push(next);
      }
      return next;
    },
    namespaced: (_g, _v, resource) => resource !== "namespaces" && resource !== "nodes",
  };
  return { ...fakeApiServerHandle("/nonexistent"), cluster };
}
