import { ServiceAccountIssuer } from "../../core/apiserver/service-account-issuer.js";
import { ClusterObjectsHost, type ClusterObjects } from "../../core/apiserver/cluster-objects.js";
import { LateClusterReader } from "../../core/apiserver/cluster-reader.js";
import type { ApiServerHandle } from "../../core/apiserver/handle.js";
import { silentLogger } from "../../core/kernel/logging.js";
import { createRootMetrics } from "../../core/kernel/metrics.js";
import { join } from "node:path";

/** A handle for building API server plugins outside the kernel. */
export function fakeApiServerHandle(dataDir: string, objects?: ClusterObjects): ApiServerHandle {
  return {
    logger: silentLogger(),
    metrics: createRootMetrics(),
    dataDir,
    pluginDir: join(dataDir, "apiserver"),
    cluster: new LateClusterReader(),
    entries: () => {
      throw new Error("no points in a fake handle");
    },
    objects: objects ?? new ClusterObjectsHost(async () => false, () => silentLogger()),
    serviceAccountTokens: new ServiceAccountIssuer({ serviceAccountIssuer: "", apiAudiences: [] }),
  };
}
