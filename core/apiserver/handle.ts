import type { BaseHandle } from "../kernel/component.js";
import type { ClusterAccess } from "./cluster-access.js";

/**
 * What an API server plugin receives besides its args. Storage plugins need only the
 * base handle; chain plugins get the cluster's facts through it as issues add them.
 */
export interface ApiServerHandle extends BaseHandle {
  /** The folder for this plugin's files inside the data dir (created on demand by the plugin). */
  readonly pluginDir: string;
  /** The cluster's objects, readable once the server has started (admission reads them per request). */
  readonly cluster: ClusterAccess;
}
