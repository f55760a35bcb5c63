import { badRequest, unprocessable, unsupportedMediaType } from "../../api/status.js";
import type { KubeObj } from "../registry/strategy.js";
import type { ServedResource } from "../registry/served-resource.js";
import { applyJsonPatch } from "../../api/json-patch.js";
import { applyMergePatch } from "../../api/merge-patch.js";
import { applyStrategicMergePatch, StrategicMergeError } from "../../api/strategic-merge-patch.js";

/**
 * Applies a PATCH body to the current object by its content type: JSON Patch, JSON
 * Merge Patch and strategic merge patch (server-side apply is still to come).
 */
export function applyPatch(type: string, current: KubeObj, patch: unknown, res: ServedResource | undefined): KubeObj {
  switch (type) {
    case "application/merge-patch+json": {
      if (typeof patch !== "object" || patch === null || Array.isArray(patch)) throw badRequest("a merge patch must be a JSON object");
      return applyMergePatch(current, patch) as KubeObj;
    }
    case "application/json-patch+json": {
      if (!Array.isArray(patch)) throw badRequest("a JSON patch must be an array of operations");
      try {
        return applyJsonPatch(current, patch) as KubeObj;
      } catch (err) {
        if (err instanceof Error && err.name === "JsonPatchError") {
          throw unprocessable(err.message);
        }
        throw err;
      }
    }
    case "application/strategic-merge-patch+json": {
      // Built-in kinds only: CRDs carry no patch strategies, and upstream answers 415.
      if (!res?.definition) throw unsupportedMediaType(type);
      if (typeof patch !== "object" || patch === null || Array.isArray(patch)) throw badRequest("a strategic merge patch must be a JSON object");
      try {
        return applyStrategicMergePatch(current, patch, res.definition) as KubeObj;
      } catch (err) {
        if (err instanceof StrategicMergeError) throw badRequest(err.message);
        throw err;
      }
    }
    default:
      throw unsupportedMediaType(type);
  }
}
