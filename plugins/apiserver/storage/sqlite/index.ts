import { definePlugin } from "../../../../core/kernel/define-plugin.js";
import type { JsonSchema } from "../../../../core/kernel/json-schema.js";
import { ApiServer } from "../../../../core/apiserver/points.js";
import type { Storage } from "../../../../core/apiserver/storage.js";
import type { ApiServerHandle } from "../../../../core/apiserver/handle.js";
import schema from "../../../../schemas/plugins/apiserver/sqlite.args.schema.json" with { type: "json" };
import type { SqliteStorageArgs } from "./sqlite-storage.js";

export const sqlitePlugin = definePlugin<SqliteStorageArgs, ApiServerHandle, Storage>({
  name: "sqlite",
  serves: [ApiServer.storage],
  args: schema as JsonSchema,
  description: "The embedded default: etcd semantics on one SQLite file (WAL, group commits answered once on disk)",
  upstream: "etcd v3 semantics as kine maps them onto SQL (k3s); kube-apiserver's 5-minute compaction",
  // better-sqlite3 loads only when a profile builds this plugin.
  create: async (args, handle) => {
    const { SqliteStorage } = await import("./sqlite-storage.js");
    return new SqliteStorage(args, handle);
  },
});

export default sqlitePlugin;
