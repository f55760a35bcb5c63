import { join } from "node:path";
import { defineComponent, type BaseHandle } from "../kernel/component.js";
import type { JsonSchema } from "../kernel/json-schema.js";
import settingsSchema from "../../schemas/components/etcd.settings.schema.json" with { type: "json" };
import type { LocalEtcdSettings } from "../../schemas/generated/components/etcd.settings.js";

/**
 * A local etcd cluster for development: `kitbash up` starts it before the API server
 * when a profile enables it (the `ha-etcd` profile does). It declares no point: it runs
 * etcd itself, it does not extend anything.
 */
export const etcdComponent = defineComponent<Required<LocalEtcdSettings>, BaseHandle>({
  name: "etcd",
  description: "Runs a local etcd cluster (child processes) for the etcd3 storage to use",
  group: "storage",
  points: [],
  settings: settingsSchema as JsonSchema,
  handle: (base) => base,
  create: async (ctx) => {
    const { LocalEtcdCluster } = await import("./local-cluster.js");
    const s = ctx.settings;
    const cluster = new LocalEtcdCluster({
      binary: s.binary,
      host: s.host,
      members: s.members,
      dir: join(ctx.dataDir, "etcd"),
      readyTimeoutMs: s.readyTimeoutSeconds * 1000,
      progressNotifyIntervalMs: s.progressNotifyIntervalMs,
      logger: ctx.logger,
    });
    return {
      start: async () => {
        await cluster.start();
        ctx.logger.info({ endpoints: cluster.endpoints }, "local etcd cluster healthy");
      },
      stop: () => cluster.stop(),
    };
  },
});
