import type { IncomingMessage, ServerResponse } from "node:http";
import type { UserInfo } from "../chains.js";
import type { RequestInfo } from "../http/request-info.js";
import type { ServedResource } from "./served-resource.js";
import type { ResourceStore } from "./store.js";
import type { KubeObj } from "./strategy.js";

export interface SubresourceRequest {
  req: IncomingMessage;
  res: ServerResponse;
  info: RequestInfo;
  served: ServedResource;
  store: ResourceStore;
  namespace: string | undefined;
  name: string;
  opts: { user: UserInfo; dryRun: boolean; fieldManager?: string };
  query: URLSearchParams;
  body(): Promise<KubeObj>;
  /** The body decoded by its content type, whatever its shape (a JSON patch is a list). */
  decoded(): Promise<unknown>;
}

/** Handlers for subresources beyond status and scale, keyed `group/plural/subresource`. */
export type SubresourceHandlers = Map<string, (r: SubresourceRequest) => Promise<void>>;
