import { definePlugin } from "../../../../core/kernel/define-plugin.js";
import type { JsonSchema } from "../../../../core/kernel/json-schema.js";
import { ApiServer } from "../../../../core/apiserver/points.js";
import type { Storage } from "../../../../core/apiserver/storage.js";
import type { ApiServerHandle } from "../../../../core/apiserver/handle.js";
import schema from "../../../../schemas/plugins/apiserver/etcd3.args.schema.json" with { type: "json" };
import type { Etcd3StorageArgs } from "./etcd3-storage.js";

export const etcd3Plugin = definePlugin<Etcd3StorageArgs, ApiServerHandle, Storage>({
  name: "etcd3",
  serves: [ApiServer.storage],
  args: schema as JsonSchema,
  description: "etcd v3 over gRPC: the distributed store, shared by several API servers",
  upstream: "kube-apiserver's etcd3 storage (k8s.io/apiserver/pkg/storage/etcd3): Txn on mod_revision, watch with prev_kv, periodic compaction",
  // gRPC and the .proto files load only when a profile builds this plugin.
  create: async (args, handle) => {
    const { Etcd3Storage } = await import("./etcd3-storage.js");
    return new Etcd3Storage(args, handle);
  },
});

export default etcd3Plugin;
