import type { UserInfo } from "../chains.js";
import type { ServedResource } from "./served-resource.js";
import type { KubeObj } from "./strategy.js";

export interface ReviewRequest {
  served: ServedResource;
  body: KubeObj;
  user: UserInfo;
  /** The namespace of the URL, for namespaced reviews. */
  namespace: string | undefined;
}

/**
 * Kinds that are questions, not objects (access and token reviews): a create is
 * answered with the body and its status, and nothing is stored. Keyed `group/plural`.
 */
export type ReviewHandlers = Map<string, (r: ReviewRequest) => Promise<KubeObj>>;
