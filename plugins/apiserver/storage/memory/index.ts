import { definePlugin } from "../../../../core/kernel/define-plugin.js";
import type { JsonSchema } from "../../../../core/kernel/json-schema.js";
import { ApiServer } from "../../../../core/apiserver/points.js";
import type { Storage } from "../../../../core/apiserver/storage.js";
import type { ApiServerHandle } from "../../../../core/apiserver/handle.js";
import schema from "../../../../schemas/plugins/apiserver/memory.args.schema.json" with { type: "json" };
import type { MemoryStorageArgs } from "./memory-storage.js";

export const memoryPlugin = definePlugin<MemoryStorageArgs, ApiServerHandle, Storage>({
  name: "memory",
  serves: [ApiServer.storage],
  args: schema as JsonSchema,
  description: "In-memory revisioned store with etcd semantics; nothing survives a restart",
  upstream: "etcd v3 MVCC semantics (one revision, history until compaction, watch from a revision)",
  create: async (args, handle) => {
    const { MemoryStorage } = await import("./memory-storage.js");
    return new MemoryStorage(args, handle);
  },
});

export default memoryPlugin;
