import { LateClusterReader } from "../core/apiserver/cluster-reader.js";
import { join } from "node:path";
import type { Storage } from "../core/apiserver/storage.js";
import { ServiceAccountIssuer } from "../core/apiserver/service-account-issuer.js";
import { ClusterObjectsHost } from "../core/apiserver/cluster-objects.js";
import type { ApiServerHandle } from "../core/apiserver/handle.js";
import { ApiServer } from "../core/apiserver/points.js";
import { createRootMetrics } from "../core/kernel/metrics.js";
import { loadProfile, type ProfileOptions } from "./load-profile.js";

export interface OpenedStorage {
  storage: Storage;
  /** The plugin's name and where it keeps the data, for messages. */
  describe: string;
  plugin: string;
  close(): Promise<void>;
}

/**
 * The storage plugin the profile places at `apiserver.storage`, built and started on
 * its own (no API server). A sqlite file a running server holds fails here, since the
 * plugin takes the file's exclusive lock.
 */
export async function openProfileStorage(opts: ProfileOptions): Promise<OpenedStorage> {
  const { resolved, registry, logger } = await loadProfile(opts, "warn");
  const plan = resolved.plan;
  const point = plan.components.apiserver?.points.storage;
  const placed = point?.plugins[0];
  if (!placed) throw new Error(`profile ${plan.profile} places no plugin at ${ApiServer.storage.id}`);
  const manifest = registry.plugin(placed.name)!;
  const handle: ApiServerHandle = {
    logger: logger.child({ plugin: placed.name }),
    metrics: createRootMetrics(),
    dataDir: plan.dataDir,
    pluginDir: join(plan.dataDir, "apiserver"),
    // Storage alone, no server: nothing binds the reader and no storage plugin reads through it.
    cluster: new LateClusterReader(),
    entries: () => [],
    // No server runs here: nothing to follow, and storage plugins ask for nothing of it.
    objects: new ClusterObjectsHost(async () => false, () => logger),
    serviceAccountTokens: new ServiceAccountIssuer({ serviceAccountIssuer: "", apiAudiences: [] }),
  };
  const storage = (await manifest.create(Object.freeze(structuredClone(placed.args)), handle)) as Storage;
  const abort = new AbortController();
  await storage.start?.(abort.signal);
  const where = (placed.args.endpoints as string[] | undefined)?.join(",") ?? plan.dataDir;
  return {
    storage,
    plugin: placed.name,
    describe: `${placed.name} storage (${where})`,
    close: async () => {
      abort.abort();
      await storage.stop?.();
    },
  };
}
