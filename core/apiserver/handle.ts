import type { BaseHandle } from "../kernel/component.js";
import type { ClusterObjects } from "./cluster-objects.js";
import type { ClusterReader } from "./cluster-reader.js";
import type { ServiceAccountTokenFacts } from "./service-account-issuer.js";

/**
 * What an API server plugin receives besides its args. Storage plugins need only the
 * base handle; chain plugins get the cluster's facts through it as issues add them.
 */
export interface ApiServerHandle extends BaseHandle {
  /** The folder for this plugin's files inside the data dir (created on demand by the plugin). */
  readonly pluginDir: string;
  /** The cluster's objects from the server's own watch cache, start-time writes and write guards. */
  readonly objects: ClusterObjects;
  /** The cluster's objects, readable once the server has started (admission reads them per request). */
  readonly cluster: ClusterReader;
  /** The service-account token issuer's name, the API's audiences and the verification keys. */
  readonly serviceAccountTokens: ServiceAccountTokenFacts;
}
